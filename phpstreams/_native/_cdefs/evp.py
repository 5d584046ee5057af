"""evp.h: message digests (certificate fingerprints) and the EVP_PKEY handle."""

INCLUDES = """
#include <openssl/evp.h>
"""

TYPES = """
typedef ... EVP_MD;
typedef ... EVP_PKEY;
static const int EVP_MAX_MD_SIZE;
"""

FUNCTIONS = """
const EVP_MD *EVP_get_digestbyname(const char *);
void EVP_PKEY_free(EVP_PKEY *);
"""

CUSTOMIZATIONS = """
"""
