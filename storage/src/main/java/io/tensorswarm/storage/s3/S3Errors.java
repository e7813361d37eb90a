package io.tensorswarm.storage.s3;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maps AWS SDK failures to {@link StorageException} kinds. */
final class S3Errors {
    private S3Errors() {}

    static StorageException map(String what, RuntimeException e) {
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
            String detail = status + (code != null ? " " + code : "");
            Kind kind;
            if (status == 404) {
                kind = Kind.NOT_FOUND;
            } else if (status == 401 || status == 403) {
                kind = Kind.ACCESS_DENIED;
            } else if (status == 412 || status == 409) {
                kind = Kind.CONFLICT;
            } else if (status == 429 || status == 503 && "SlowDown".equals(code)) {
                kind = Kind.THROTTLED;
            } else if (status >= 500 || status == 408) {
                kind = Kind.UNAVAILABLE;
            } else if (status == 400 && ("BadDigest".equals(code) || "InvalidDigest".equals(code))) {
                kind = Kind.INTEGRITY;
            } else if (status >= 300 && status < 400) {
                kind = Kind.PROTOCOL;
            } else {
                kind = Kind.CONFIGURATION;
            }
            return new StorageException(kind, what + ": S3 answered " + detail, e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StorageException(Kind.TIMEOUT, what + ": S3 call timed out", e);
        }
        if (e instanceof AbortedException) {
            return new StorageException(Kind.INTERRUPTED, what + ": aborted", e);
        }
        if (e instanceof SdkClientException) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof SocketTimeoutException) {
                return new StorageException(Kind.TIMEOUT, what + ": S3 endpoint too slow: " + root.getMessage(), e);
            }
            if (root instanceof IOException || root instanceof UncheckedIOException) {
                return new StorageException(Kind.UNAVAILABLE, what + ": cannot reach S3: " + root.getMessage(), e);
            }
            if (e.getMessage() != null && e.getMessage().contains("credentials")) {
                return new StorageException(Kind.ACCESS_DENIED, what + ": no S3 credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile)", e);
            }
            return new StorageException(Kind.UNAVAILABLE, what + ": " + firstLine(e.getMessage()), e);
        }
        if (e instanceof SdkException) {
            return new StorageException(Kind.UNAVAILABLE, what + ": " + firstLine(e.getMessage()), e);
        }
        throw e;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown S3 client error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
