package io.stellarelease.clients;

/** What to do with a release asset already there under the same name but with a different size. */
public enum AssetPolicy {
    /** Delete the old asset, then upload the new one. */
    REPLACE,
    /** Stop before uploading anything: a published asset must not change silently. */
    FAIL
}
