"""tls1.h: protocol versions and the TLS extensions PHP uses (SNI, servername callback)."""

INCLUDES = """
#include <openssl/tls1.h>
"""

TYPES = """
static const int TLS1_VERSION;
static const int TLS1_1_VERSION;
static const int TLS1_2_VERSION;
/* Flag PHPSTREAMS_HAS_TLS1_3. */
static const int TLS1_3_VERSION;

static const int TLSEXT_NAMETYPE_host_name;

/* Return values of the servername and ALPN select callbacks. */
static const int SSL_TLSEXT_ERR_OK;
static const int SSL_TLSEXT_ERR_ALERT_FATAL;
static const int SSL_TLSEXT_ERR_NOACK;
"""

FUNCTIONS = """
const char *SSL_get_servername(const SSL *, const int);

/* Macros over SSL_ctrl / SSL_CTX_ctrl / SSL_CTX_callback_ctrl in every version. */
long phpstreams_SSL_set_tlsext_host_name(SSL *, const char *);
long phpstreams_SSL_CTX_set_tlsext_servername_callback(SSL_CTX *, int (*)(SSL *, int *, void *));
long phpstreams_SSL_CTX_set_tlsext_servername_arg(SSL_CTX *, void *);
"""

CUSTOMIZATIONS = """
#ifndef TLS1_3_VERSION
#define TLS1_3_VERSION 0x0304
#endif

static long phpstreams_SSL_set_tlsext_host_name(SSL *ssl, const char *name)
{
    return SSL_set_tlsext_host_name(ssl, name);
}

static long phpstreams_SSL_CTX_set_tlsext_servername_callback(
    SSL_CTX *ctx, int (*callback)(SSL *, int *, void *))
{
    return SSL_CTX_set_tlsext_servername_callback(ctx, callback);
}

static long phpstreams_SSL_CTX_set_tlsext_servername_arg(SSL_CTX *ctx, void *arg)
{
    return SSL_CTX_set_tlsext_servername_arg(ctx, arg);
}
"""
