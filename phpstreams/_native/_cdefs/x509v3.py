"""x509v3.h: subjectAltName entries (GENERAL_NAME), extension printing, certificate purposes."""

INCLUDES = """
#include <openssl/x509v3.h>
"""

TYPES = """
static const int GEN_EMAIL;
static const int GEN_DNS;
static const int GEN_URI;
static const int GEN_IPADD;

/* Only `type` is bound; the union `d` is read through phpstreams_general_name_string. */
typedef struct {
    int type;
    ...;
} GENERAL_NAME;

/* GENERAL_NAMES is STACK_OF(GENERAL_NAME). */
struct stack_st_GENERAL_NAME;
typedef struct stack_st_GENERAL_NAME GENERAL_NAMES;

typedef ... X509_PURPOSE;
"""

FUNCTIONS = """
/* Frees the stack and every GENERAL_NAME in it. */
void GENERAL_NAMES_free(GENERAL_NAMES *);
/* Macros in 1.1.1, static inline functions in 3.0. */
int phpstreams_sk_GENERAL_NAME_num(const GENERAL_NAMES *);
GENERAL_NAME *phpstreams_sk_GENERAL_NAME_value(const GENERAL_NAMES *, int);
/* The string of a GEN_DNS, GEN_IPADD (raw 4 or 16 address bytes), GEN_EMAIL or GEN_URI
   entry, borrowed from the GENERAL_NAME; NULL for every other type. */
ASN1_STRING *phpstreams_general_name_string(const GENERAL_NAME *);

int X509V3_EXT_print(BIO *, X509_EXTENSION *, unsigned long, int);

int X509_check_purpose(X509 *, int, int);
int X509_PURPOSE_get_count(void);
X509_PURPOSE *X509_PURPOSE_get0(int);
int X509_PURPOSE_get_id(const X509_PURPOSE *);
char *X509_PURPOSE_get0_name(const X509_PURPOSE *);
char *X509_PURPOSE_get0_sname(const X509_PURPOSE *);
"""

CUSTOMIZATIONS = """
static int phpstreams_sk_GENERAL_NAME_num(const GENERAL_NAMES *names)
{
    return sk_GENERAL_NAME_num(names);
}

static GENERAL_NAME *phpstreams_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int i)
{
    return sk_GENERAL_NAME_value(names, i);
}

static ASN1_STRING *phpstreams_general_name_string(const GENERAL_NAME *name)
{
    switch (name->type) {
    case GEN_DNS:
        return name->d.dNSName;
    case GEN_IPADD:
        return name->d.iPAddress;
    case GEN_EMAIL:
        return name->d.rfc822Name;
    case GEN_URI:
        return name->d.uniformResourceIdentifier;
    default:
        return NULL;
    }
}
"""
