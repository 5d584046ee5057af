"""x509_vfy.h: trust stores, the verify context seen by the verify callback, X509_V_* codes."""

INCLUDES = """
#include <openssl/x509_vfy.h>
"""

TYPES = """
typedef ... X509_STORE;
typedef ... X509_STORE_CTX;

static const int X509_V_OK;
static const int X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
static const int X509_V_ERR_CERT_HAS_EXPIRED;
static const int X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
static const int X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
static const int X509_V_ERR_CERT_CHAIN_TOO_LONG;
/* Added in 1.0.2. */
static const int X509_V_ERR_HOSTNAME_MISMATCH;
"""

FUNCTIONS = """
int X509_STORE_add_cert(X509_STORE *, X509 *);
int X509_STORE_up_ref(X509_STORE *);
void X509_STORE_free(X509_STORE *);

int X509_STORE_CTX_get_error(const X509_STORE_CTX *);
void X509_STORE_CTX_set_error(X509_STORE_CTX *, int);
int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX *);
X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *);
void *X509_STORE_CTX_get_ex_data(const X509_STORE_CTX *, int);

/* Declared in x509.h. */
const char *X509_verify_cert_error_string(long);
"""

CUSTOMIZATIONS = """
"""
