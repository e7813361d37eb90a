package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes small Parquet files with parquet-hadoop's example writer and reads them back. */
class ParquetDocumentsTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            "message doc { required int64 id; optional binary text (STRING); optional binary body (STRING); }");

    @TempDir
    Path dir;

    private Path write(String name, CompressionCodecName codec, int rowGroupBytes) throws IOException {
        Path file = dir.resolve(name);
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(SCHEMA)
                .withCompressionCodec(codec)
                .withRowGroupSize((long) rowGroupBytes)
                .withPageSize(1024)
                .build()) {
            writer.write(rows.newGroup().append("id", 1L).append("text", "The jury said").append("body", "b1"));
            writer.write(rows.newGroup().append("id", 2L).append("body", "b2")); // text is null
            writer.write(rows.newGroup().append("id", 3L).append("text", "naïve café 🙂"));
        }
        return file;
    }

    @Test
    void readsTheTextColumnSkippingNullsAcrossCodecs() throws IOException {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY,
                CompressionCodecName.ZSTD, CompressionCodecName.GZIP)) {
            Path file = write("d-" + codec + ".parquet", codec, 1 << 20);
            assertEquals(List.of("The jury said", "naïve café 🙂"),
                    TextDatasetsTest.read(TextDatasets.open(file)), codec.toString());
        }
    }

    @Test
    void readsAConfiguredColumn() throws IOException {
        Path file = write("d.parquet", CompressionCodecName.SNAPPY, 1 << 20);
        assertEquals(List.of("b1", "b2"),
                TextDatasetsTest.read(TextDatasets.open(file, TextDatasetOptions.DEFAULTS.withTextField("body"))));
    }

    @Test
    void readsManyRowGroupsInOrder() throws IOException {
        Path file = dir.resolve("many.parquet");
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(SCHEMA)
                .withRowGroupSize(1L)
                .withPageSize(64)
                .withMinRowCountForPageSizeCheck(1)
                .withMaxRowCountForPageSizeCheck(1)
                .build()) {
            for (int i = 0; i < 50; i++) {
                writer.write(rows.newGroup().append("id", (long) i).append("text", "row " + i));
            }
        }
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            assertTrue(reader.getRowGroups().size() > 1, "row groups: " + reader.getRowGroups().size());
        }
        List<String> docs = TextDatasetsTest.read(TextDatasets.open(file));
        assertEquals(50, docs.size());
        for (int i = 0; i < 50; i++) {
            assertEquals("row " + i, docs.get(i));
        }
    }

    @Test
    void rejectsANonStringOrMissingColumn() throws IOException {
        Path file = write("d.parquet", CompressionCodecName.UNCOMPRESSED, 1 << 20);
        DataException numeric = assertThrows(DataException.class,
                () -> TextDatasetsTest.read(TextDatasets.open(file, TextDatasetOptions.DEFAULTS.withTextField("id"))));
        assertTrue(numeric.getMessage().contains("column \"id\""), numeric.getMessage());
        assertTrue(numeric.getMessage().contains("not a string"), numeric.getMessage());

        DataException missing = assertThrows(DataException.class,
                () -> TextDatasetsTest.read(TextDatasets.open(file, TextDatasetOptions.DEFAULTS.withTextField("title"))));
        assertTrue(missing.getMessage().contains("d.parquet has no column \"title\""), missing.getMessage());
    }

    @Test
    void rejectsAFileThatIsNotParquet() throws IOException {
        Path file = Files.writeString(dir.resolve("fake.parquet"), "definitely not a parquet file");
        DataException e = assertThrows(DataException.class, () -> TextDatasetsTest.read(TextDatasets.open(file)));
        assertTrue(e.getMessage().contains("cannot read Parquet file"), e.getMessage());
        assertTrue(e.getMessage().contains("fake.parquet"), e.getMessage());
    }
}
