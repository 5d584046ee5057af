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
/* Called by phpstreams_info_cb on SSL_CB_HANDSHAKE_START (server renegotiation limit). */
extern "Python+C" void phpstreams_handshake_start(const SSL *);
/* For SSL_set_info_callback: OpenSSL calls it at every state change, so the filter
 * (only SSL_CB_HANDSHAKE_START matters, as in php_openssl_info_callback) is C. */
void phpstreams_info_cb(const SSL *, int, int);
"""

CUSTOMIZATIONS = """
void phpstreams_handshake_start(const SSL *);

static void phpstreams_info_cb(const SSL *ssl, int where, int ret)
{
    (void)ret;
    if (where & SSL_CB_HANDSHAKE_START)
        phpstreams_handshake_start(ssl);
}
"""
