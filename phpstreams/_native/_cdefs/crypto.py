"""crypto.h: run-time version of libcrypto and OPENSSL_free."""

INCLUDES = """
#include <openssl/crypto.h>
"""

TYPES = """
/* Argument of OpenSSL_version() selecting the "OpenSSL x.y.z dd Mon yyyy" text. */
static const int OPENSSL_VERSION;
"""

FUNCTIONS = """
unsigned long OpenSSL_version_num(void);
const char *OpenSSL_version(int);

/* OPENSSL_free is a macro (CRYPTO_free with file/line) in every version. */
void phpstreams_OPENSSL_free(void *);
"""

CUSTOMIZATIONS = """
static void phpstreams_OPENSSL_free(void *ptr)
{
    OPENSSL_free(ptr);
}
"""
