package io.tensorswarm.common.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Streams one string column of a Parquet file, row group by row group, reading only that column.
 * Uses parquet-hadoop's Hadoop-free entry points ({@link LocalInputFile},
 * {@link PlainParquetConfiguration}); UNCOMPRESSED, SNAPPY, GZIP and ZSTD pages are supported.
 */
final class ParquetDocuments implements Iterator<String>, AutoCloseable {
    private final Path file;
    private final ParquetFileReader reader;
    private final MessageType fileSchema;
    private final MessageType projection;
    private RecordReader<Group> rows;
    private long rowsLeftInGroup;
    private long rowNumber;
    private String next;

    private ParquetDocuments(Path file, ParquetFileReader reader, MessageType fileSchema, MessageType projection) {
        this.file = file;
        this.reader = reader;
        this.fileSchema = fileSchema;
        this.projection = projection;
    }

    /**
     * Returns the non-null values of string column {@code column} of {@code file}, lazily; the
     * stream must be closed.
     *
     * @throws DataException when the file is not Parquet, or the column is missing or not a string
     */
    static Stream<String> stream(Path file, String column) {
        ParquetFileReader reader;
        try {
            reader = ParquetFileReader.open(new LocalInputFile(file),
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot read Parquet file " + file + ": " + e.getMessage(), e);
        }
        ParquetDocuments documents;
        try {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageType projection = new MessageType(schema.getName(), stringColumn(file, schema, column));
            reader.setRequestedSchema(projection);
            documents = new ParquetDocuments(file, reader, schema, projection);
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(documents, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(documents::close);
    }

    private static Type stringColumn(Path file, MessageType schema, String column) {
        if (!schema.containsField(column)) {
            throw new DataException("Parquet file " + file + " has no column \"" + column + "\"");
        }
        Type type = schema.getType(column);
        if (!type.isPrimitive()
                || type.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY
                || type.isRepetition(Type.Repetition.REPEATED)
                || !isStringAnnotation(type.getLogicalTypeAnnotation())) {
            throw new DataException("column \"" + column + "\" of Parquet file " + file + " is " + type
                    + ", not a string");
        }
        return type;
    }

    private static boolean isStringAnnotation(LogicalTypeAnnotation annotation) {
        return annotation == null || annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (rowsLeftInGroup == 0 && !nextRowGroup()) {
                return false;
            }
            Group row = readRow();
            rowsLeftInGroup--;
            rowNumber++;
            if (row.getFieldRepetitionCount(0) > 0) {
                next = row.getString(0, 0);
            }
        }
        return true;
    }

    private Group readRow() {
        try {
            return rows.read();
        } catch (RuntimeException e) {
            throw new DataException("Parquet file " + file + ": cannot decode row " + rowNumber + ": " + e.getMessage(), e);
        }
    }

    private boolean nextRowGroup() {
        PageReadStore pages;
        try {
            pages = reader.readNextRowGroup();
        } catch (IOException | RuntimeException e) {
            throw new DataException("Parquet file " + file + ": cannot read row group after row " + rowNumber
                    + ": " + e.getMessage(), e);
        }
        if (pages == null) {
            return false;
        }
        rowsLeftInGroup = pages.getRowCount();
        rows = new ColumnIOFactory().getColumnIO(projection, fileSchema)
                .getRecordReader(pages, new GroupRecordConverter(projection));
        return true;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String document = next;
        next = null;
        return document;
    }

    @Override
    public void close() {
        closeQuietly(reader);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the rows were read or the failure is already reported
        }
    }
}
