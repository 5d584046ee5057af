"""asn1.h: ASN1_STRING and friends (certificate names, times, serial numbers)."""

INCLUDES = """
#include <time.h>
#include <openssl/asn1.h>
"""

TYPES = """
/* ASN1_STRING, ASN1_INTEGER, ASN1_TIME, ASN1_OCTET_STRING and ASN1_IA5STRING are one C
   struct, so a value of any of them can be passed to the ASN1_STRING_* functions. */
struct asn1_string_st;
typedef struct asn1_string_st ASN1_STRING;
typedef struct asn1_string_st ASN1_INTEGER;
typedef struct asn1_string_st ASN1_TIME;

/* ASN1_STRING_type() of a UTF8String (PHP copies those raw, converts the others). */
static const int V_ASN1_UTF8STRING;
typedef struct asn1_string_st ASN1_OCTET_STRING;
typedef struct asn1_string_st ASN1_IA5STRING;
typedef ... ASN1_OBJECT;

struct tm {
    int tm_sec;
    int tm_min;
    int tm_hour;
    int tm_mday;
    int tm_mon;
    int tm_year;
    int tm_wday;
    int tm_yday;
    int tm_isdst;
    ...;
};
"""

FUNCTIONS = """
const unsigned char *ASN1_STRING_get0_data(const ASN1_STRING *);
int ASN1_STRING_length(const ASN1_STRING *);
int ASN1_STRING_type(const ASN1_STRING *);
/* *out must be released with phpstreams_OPENSSL_free; returns the length or < 0. */
int ASN1_STRING_to_UTF8(unsigned char **, const ASN1_STRING *);
int ASN1_TIME_print(BIO *, const ASN1_TIME *);
/* Added in 1.1.1. */
int ASN1_TIME_to_tm(const ASN1_TIME *, struct tm *);
BIGNUM *ASN1_INTEGER_to_BN(const ASN1_INTEGER *, BIGNUM *);
"""

CUSTOMIZATIONS = """
"""
