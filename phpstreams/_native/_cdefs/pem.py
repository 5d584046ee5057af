"""pem.h: PEM input/output of certificates and DH parameters; the passphrase callback type."""

INCLUDES = """
#include <openssl/pem.h>
"""

TYPES = """
typedef int pem_password_cb(char *, int, int, void *);
"""

FUNCTIONS = """
X509 *PEM_read_bio_X509(BIO *, X509 **, pem_password_cb *, void *);
int PEM_write_bio_X509(BIO *, const X509 *);
/* Reads any key parameters (PHP: DH parameters for SSL_CTX_set0_tmp_dh_pkey). */
EVP_PKEY *PEM_read_bio_Parameters(BIO *, EVP_PKEY **);
"""

CUSTOMIZATIONS = """
"""
