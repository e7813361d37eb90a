package io.tensorswarm.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tensorswarm.storage.StorageException.Kind;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {
    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void mapsStatusCodesToKinds() {
        assertEquals(Kind.THROTTLED, S3Errors.map("x", s3(503, "SlowDown")).kind());
        assertEquals(Kind.THROTTLED, S3Errors.map("x", s3(429, "TooManyRequests")).kind());
        assertEquals(Kind.UNAVAILABLE, S3Errors.map("x", s3(500, "InternalError")).kind());
        assertEquals(Kind.UNAVAILABLE, S3Errors.map("x", s3(503, "ServiceUnavailable")).kind());
        assertEquals(Kind.NOT_FOUND, S3Errors.map("x", s3(404, "NoSuchKey")).kind());
        assertEquals(Kind.ACCESS_DENIED, S3Errors.map("x", s3(403, "SignatureDoesNotMatch")).kind());
        assertEquals(Kind.CONFLICT, S3Errors.map("x", s3(412, "PreconditionFailed")).kind());
        assertEquals(Kind.INTEGRITY, S3Errors.map("x", s3(400, "BadDigest")).kind());
        assertEquals(Kind.PROTOCOL, S3Errors.map("x", s3(301, "PermanentRedirect")).kind());
    }

    @Test
    void connectionFailuresAreRetryable() {
        var e = S3Errors.map("s3://b/k", SdkClientException.create("Unable to execute HTTP request", new ConnectException("Connection refused")));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertEquals("s3://b/k: cannot reach S3: Connection refused", e.getMessage());
    }
}
