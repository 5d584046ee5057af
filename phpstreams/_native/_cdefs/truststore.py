"""phpstreams' own C helpers for the default verify paths (not a header).

Theory of operation: with no ``cafile``/``capath``, PHP calls
``SSL_CTX_set_default_verify_paths`` for every connection, and OpenSSL then parses the
whole system bundle again (``/usr/lib/ssl/cert.pem``: 144 certificates, about 20 ms here)
before adding the lazily searched hash directory and the store URI lookups.
``phpstreams_set_default_paths`` is OpenSSL's ``X509_STORE_set_default_paths`` step for
step, with one difference: when the engine hands it ``loaded`` -- a snapshot of a store
that loaded the very same bundle bytes before -- the bundle's certificates and CRLs are
added from that snapshot (about 0.3 ms) instead of being parsed. The store ends up with
the same objects and the same lookups, in the same order; the directory and URI lookups
stay lazy and per store, exactly as in PHP. ``*file_loaded`` reports a clean default
load (nothing queued), the only kind the engine snapshots.
"""

INCLUDES = """
#include <stdlib.h>
#include <unistd.h>
#include <openssl/x509_vfy.h>
"""

TYPES = """
"""

FUNCTIONS = """
/* The file OpenSSL's default load reads: $SSL_CERT_FILE (not for set-id programs),
   else the built-in default. */
const char *phpstreams_default_cert_file(void);
int phpstreams_set_default_paths(X509_STORE *, X509_STORE *, int *);
/* A new store holding the objects (certificates, CRLs) of another; NULL on failure. */
X509_STORE *phpstreams_X509_STORE_snapshot(X509_STORE *);
"""

CUSTOMIZATIONS = """
static const char *phpstreams_default_cert_file(void)
{
    const char *file = NULL;
    if (getuid() == geteuid() && getgid() == getegid()) /* ossl_safe_getenv */
        file = getenv(X509_get_default_cert_file_env());
    return file != NULL ? file : X509_get_default_cert_file();
}

static int phpstreams_copy_objects(X509_STORE *dst, X509_STORE *src)
{
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(src);
    for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
        X509_OBJECT *obj = sk_X509_OBJECT_value(objs, i);
        X509 *cert = X509_OBJECT_get0_X509(obj);
        X509_CRL *crl = X509_OBJECT_get0_X509_CRL(obj);
        if (cert != NULL && !X509_STORE_add_cert(dst, cert))
            return 0;
        if (crl != NULL && !X509_STORE_add_crl(dst, crl))
            return 0;
    }
    return 1;
}

static X509_STORE *phpstreams_X509_STORE_snapshot(X509_STORE *src)
{
    X509_STORE *dst = X509_STORE_new();
    if (dst != NULL && !phpstreams_copy_objects(dst, src)) {
        X509_STORE_free(dst);
        dst = NULL;
    }
    return dst;
}

static int phpstreams_set_default_paths(X509_STORE *store, X509_STORE *loaded, int *file_loaded)
{
    X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
    if (lookup == NULL)
        return 0;
    *file_loaded = 0;
    if (loaded == NULL || !phpstreams_copy_objects(store, loaded)) {
        *file_loaded = X509_LOOKUP_load_file(lookup, NULL, X509_FILETYPE_DEFAULT) == 1 &&
                       ERR_peek_error() == 0;
    }
    lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == NULL)
        return 0;
    X509_LOOKUP_add_dir(lookup, NULL, X509_FILETYPE_DEFAULT);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    lookup = X509_STORE_add_lookup(store, X509_LOOKUP_store());
    if (lookup == NULL)
        return 0;
    X509_LOOKUP_add_store(lookup, NULL);
#endif
    ERR_clear_error();
    return 1;
}
"""
