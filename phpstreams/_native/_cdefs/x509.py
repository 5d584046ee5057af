"""x509.h: certificates, distinguished names, extensions and STACK_OF(X509)."""

INCLUDES = """
#include <openssl/x509.h>
"""

TYPES = """
typedef ... X509;
typedef ... X509_NAME;
typedef ... X509_NAME_ENTRY;
typedef ... X509_EXTENSION;

/* STACK_OF(X509) and STACK_OF(X509_NAME) are these structs; cffi cannot expand the macro. */
struct stack_st_X509;
struct stack_st_X509_NAME;
"""

FUNCTIONS = """
void X509_free(X509 *);
int X509_up_ref(X509 *);
int X509_cmp(const X509 *, const X509 *);
long X509_get_version(const X509 *);
int X509_get_signature_nid(const X509 *);
ASN1_INTEGER *X509_get_serialNumber(X509 *);
/* Added in 1.1.0 (X509_get_notBefore is a deprecated macro). */
const ASN1_TIME *X509_get0_notBefore(const X509 *);
const ASN1_TIME *X509_get0_notAfter(const X509 *);
X509_NAME *X509_get_subject_name(const X509 *);
X509_NAME *X509_get_issuer_name(const X509 *);
unsigned long X509_subject_name_hash(X509 *);

int X509_NAME_get_index_by_NID(const X509_NAME *, int, int);
X509_NAME_ENTRY *X509_NAME_get_entry(const X509_NAME *, int);
int X509_NAME_entry_count(const X509_NAME *);
ASN1_STRING *X509_NAME_ENTRY_get_data(const X509_NAME_ENTRY *);
ASN1_OBJECT *X509_NAME_ENTRY_get_object(const X509_NAME_ENTRY *);
/* With buf == NULL the result must be released with phpstreams_OPENSSL_free. */
char *X509_NAME_oneline(const X509_NAME *, char *, int);
/* X509_NAME_hash: a function in 1.1.1, a macro over X509_NAME_hash_ex in 3.0. */
unsigned long phpstreams_X509_NAME_hash(const X509_NAME *);

int X509_get_ext_count(const X509 *);
X509_EXTENSION *X509_get_ext(const X509 *, int);
ASN1_OBJECT *X509_EXTENSION_get_object(X509_EXTENSION *);
/* Returns a new decoded extension (e.g. GENERAL_NAMES *) that the caller frees. */
void *X509_get_ext_d2i(const X509 *, int, int *, int *);

int X509_digest(const X509 *, const EVP_MD *, unsigned char *, unsigned int *);
X509 *d2i_X509_bio(BIO *, X509 **);
/* The human-readable dump openssl_x509_export writes unless no_text. */
int X509_print(BIO *, X509 *);
int i2d_X509(const X509 *, unsigned char **);

/* sk_X509_* / sk_X509_NAME_*: macros in 1.1.1, static inline functions in 3.0. */
int phpstreams_sk_X509_num(const struct stack_st_X509 *);
X509 *phpstreams_sk_X509_value(const struct stack_st_X509 *, int);
struct stack_st_X509 *phpstreams_sk_X509_new_null(void);
int phpstreams_sk_X509_push(struct stack_st_X509 *, X509 *);
/* Frees the stack only, not the certificates in it. */
void phpstreams_sk_X509_free(struct stack_st_X509 *);

int phpstreams_sk_X509_NAME_num(const struct stack_st_X509_NAME *);
X509_NAME *phpstreams_sk_X509_NAME_value(const struct stack_st_X509_NAME *, int);
/* Frees the stack and every X509_NAME in it (sk_X509_NAME_pop_free with X509_NAME_free). */
void phpstreams_sk_X509_NAME_pop_free(struct stack_st_X509_NAME *);
"""

CUSTOMIZATIONS = """
static unsigned long phpstreams_X509_NAME_hash(const X509_NAME *name)
{
    return X509_NAME_hash((X509_NAME *)name);
}

static int phpstreams_sk_X509_num(const STACK_OF(X509) *sk)
{
    return sk_X509_num(sk);
}

static X509 *phpstreams_sk_X509_value(const STACK_OF(X509) *sk, int i)
{
    return sk_X509_value(sk, i);
}

static STACK_OF(X509) *phpstreams_sk_X509_new_null(void)
{
    return sk_X509_new_null();
}

static int phpstreams_sk_X509_push(STACK_OF(X509) *sk, X509 *x)
{
    return sk_X509_push(sk, x);
}

static void phpstreams_sk_X509_free(STACK_OF(X509) *sk)
{
    sk_X509_free(sk);
}

static int phpstreams_sk_X509_NAME_num(const STACK_OF(X509_NAME) *sk)
{
    return sk_X509_NAME_num(sk);
}

static X509_NAME *phpstreams_sk_X509_NAME_value(const STACK_OF(X509_NAME) *sk, int i)
{
    return sk_X509_NAME_value(sk, i);
}

static void phpstreams_sk_X509_NAME_pop_free(STACK_OF(X509_NAME) *sk)
{
    sk_X509_NAME_pop_free(sk, X509_NAME_free);
}
"""
