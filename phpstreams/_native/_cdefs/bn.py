"""bn.h: big numbers, only to print certificate serial numbers."""

INCLUDES = """
#include <openssl/bn.h>
"""

TYPES = """
typedef ... BIGNUM;
"""

FUNCTIONS = """
/* Both return a string to release with phpstreams_OPENSSL_free. */
char *BN_bn2hex(const BIGNUM *);
char *BN_bn2dec(const BIGNUM *);
void BN_free(BIGNUM *);
"""

CUSTOMIZATIONS = """
"""
