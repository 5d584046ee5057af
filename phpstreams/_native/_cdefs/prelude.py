"""opensslv.h plus the feature flags: what every other cdef module may rely on."""

INCLUDES = """
#include <openssl/opensslv.h>
#include <openssl/opensslconf.h>

#if defined(LIBRESSL_VERSION_NUMBER) || defined(OPENSSL_IS_BORINGSSL)
#error "phpstreams needs OpenSSL (1.1.1 or newer); LibreSSL and BoringSSL are not supported"
#endif
#if OPENSSL_VERSION_NUMBER < 0x10101000L
#error "phpstreams needs OpenSSL 1.1.1 or newer"
#endif
"""

TYPES = """
/* Compile-time version of the headers the binding was built against. */
static const long OPENSSL_VERSION_NUMBER;
static const char *const OPENSSL_VERSION_TEXT;

/* Feature flags: 1 if this OpenSSL has the feature, else 0.  The names that depend on each
   flag are listed in phpstreams/_native/_conditional.py and are removed from the runtime
   `lib` when the flag is 0 (their C side is a stub that only exists so this cdef compiles). */
static const long PHPSTREAMS_HAS_SSL3_METHOD;
static const long PHPSTREAMS_HAS_TLS1_METHOD;
static const long PHPSTREAMS_HAS_TLS1_1_METHOD;
static const long PHPSTREAMS_HAS_TLS1_3;
static const long PHPSTREAMS_HAS_SECURITY_LEVEL;
static const long PHPSTREAMS_HAS_SSL_OP_IGNORE_UNEXPECTED_EOF;
static const long PHPSTREAMS_HAS_SSL_R_UNEXPECTED_EOF_WHILE_READING;
static const long PHPSTREAMS_HAS_SSL_GET1_PEER_CERTIFICATE;
static const long PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY;
"""

FUNCTIONS = """
"""

# These run before every other module's CUSTOMIZATIONS (see _cdefs.MODULES), so the #ifdef
# tests below see the real headers, not the stubs defined later.
CUSTOMIZATIONS = """
/* SSLv3: Debian and most distributions build with no-ssl3 / no-ssl3-method. */
#if defined(OPENSSL_NO_SSL3_METHOD) || defined(OPENSSL_NO_SSL3)
static const long PHPSTREAMS_HAS_SSL3_METHOD = 0;
#else
static const long PHPSTREAMS_HAS_SSL3_METHOD = 1;
#endif

#if defined(OPENSSL_NO_TLS1_METHOD) || defined(OPENSSL_NO_TLS1)
static const long PHPSTREAMS_HAS_TLS1_METHOD = 0;
#else
static const long PHPSTREAMS_HAS_TLS1_METHOD = 1;
#endif

#if defined(OPENSSL_NO_TLS1_1_METHOD) || defined(OPENSSL_NO_TLS1_1)
static const long PHPSTREAMS_HAS_TLS1_1_METHOD = 0;
#else
static const long PHPSTREAMS_HAS_TLS1_1_METHOD = 1;
#endif

/* TLS 1.3 arrived in 1.1.1 but can be configured out (no-tls1_3); PHP's HAVE_TLS13 test. */
#if defined(TLS1_3_VERSION) && !defined(OPENSSL_NO_TLS1_3)
static const long PHPSTREAMS_HAS_TLS1_3 = 1;
#else
static const long PHPSTREAMS_HAS_TLS1_3 = 0;
#endif

/* SSL_CTX_set/get_security_level: added in 1.1.0, so always there above our 1.1.1 floor;
   kept as a flag because PHP tests for it. */
#if OPENSSL_VERSION_NUMBER >= 0x10100000L
static const long PHPSTREAMS_HAS_SECURITY_LEVEL = 1;
#else
static const long PHPSTREAMS_HAS_SECURITY_LEVEL = 0;
#endif

/* Added in 3.0 (PHP sets it so a peer closing without close_notify is not an error). */
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
static const long PHPSTREAMS_HAS_SSL_OP_IGNORE_UNEXPECTED_EOF = 1;
#else
static const long PHPSTREAMS_HAS_SSL_OP_IGNORE_UNEXPECTED_EOF = 0;
#endif

/* Reason code for an EOF without close_notify: 3.0 (and the short-lived 1.1.1e). */
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
static const long PHPSTREAMS_HAS_SSL_R_UNEXPECTED_EOF_WHILE_READING = 1;
#else
static const long PHPSTREAMS_HAS_SSL_R_UNEXPECTED_EOF_WHILE_READING = 0;
#endif

/* 3.0 renamed SSL_get_peer_certificate (now a macro) to SSL_get1_peer_certificate. */
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
static const long PHPSTREAMS_HAS_SSL_GET1_PEER_CERTIFICATE = 1;
#else
static const long PHPSTREAMS_HAS_SSL_GET1_PEER_CERTIFICATE = 0;
#endif

/* 3.0: DH parameters are handed over as an EVP_PKEY (SSL_CTX_set_tmp_dh is deprecated). */
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
static const long PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY = 1;
#else
static const long PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY = 0;
#endif
"""
