"""The extern "Python" callbacks (not a header): C entry points whose bodies the TLS engine
attaches with ``@ffi.def_extern()``.  Their contracts are documented in phpstreams._native."""

INCLUDES = """
"""

TYPES = """
"""

FUNCTIONS = """
/* For SSL_CTX_set_verify / SSL_set_verify. */
extern "Python" int phpstreams_verify_cb(int, X509_STORE_CTX *);
/* For SSL_CTX_set_default_passwd_cb (a pem_password_cb). */
extern "Python" int phpstreams_passwd_cb(char *, int, int, void *);
/* For SSL_CTX_set_alpn_select_cb. */
extern "Python" int phpstreams_alpn_select_cb(SSL *, const unsigned char **, unsigned char *,
                                              const unsigned char *, unsigned int, void *);
/* For phpstreams_SSL_CTX_set_tlsext_servername_callback. */
extern "Python" int phpstreams_servername_cb(SSL *, int *, void *);
"""

CUSTOMIZATIONS = """
"""
