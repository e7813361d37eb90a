package io.tensorswarm.chain.auth;

/** Why a signed request was refused, with the HTTP status a server answers it with. */
public enum AuthFailure {
    /** A signature header (or the {@code Host} header) is absent. */
    MISSING_HEADER(401),
    /** A signature header is present but malformed (address, netuid, timestamp, nonce or signature syntax). */
    MALFORMED_HEADER(401),
    /** The request names another host or another subnet than this server's. */
    WRONG_AUDIENCE(401),
    /** The timestamp is outside the accepted clock-skew window. */
    STALE(401),
    /** The nonce was seen already within the window. */
    REPLAYED(401),
    /** The signature does not verify for the hotkey and the request as received. */
    BAD_SIGNATURE(401),
    /** The signature is valid but the hotkey may not call this endpoint. */
    FORBIDDEN(403),
    /** This hotkey sent more signed requests within the window than its share of nonces; retry later. */
    RATE_LIMITED(429),
    /** Too many hotkeys hold nonces at once to remember another one's; retry later. */
    OVERLOADED(503);

    private final int httpStatus;

    AuthFailure(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** Returns the HTTP status a server answers this failure with. */
    public int httpStatus() {
        return httpStatus;
    }
}
