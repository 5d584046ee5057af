"""ssl.h (with ssl3.h and sslerr.h): contexts, connections, options, errors, sessions."""

INCLUDES = """
#include <openssl/ssl.h>
"""

TYPES = """
typedef ... SSL_METHOD;
typedef ... SSL_CTX;
typedef ... SSL;
typedef ... SSL_CIPHER;
typedef ... SSL_SESSION;

/* ssl3.h */
static const int SSL3_VERSION;

/* SSL_OP_*: uint64_t since 3.0 (unsigned long in 1.1.1).  SSL_OP_NO_SSLv2 and
   SSL_OP_SINGLE_DH_USE have been 0 (no-ops) since 1.1.0 and are bound for PHP's sake. */
static const uint64_t SSL_OP_ALL;
static const uint64_t SSL_OP_NO_SSLv2;
static const uint64_t SSL_OP_NO_SSLv3;
static const uint64_t SSL_OP_NO_TLSv1;
static const uint64_t SSL_OP_NO_TLSv1_1;
static const uint64_t SSL_OP_NO_TLSv1_2;
/* Flag PHPSTREAMS_HAS_TLS1_3. */
static const uint64_t SSL_OP_NO_TLSv1_3;
static const uint64_t SSL_OP_NO_COMPRESSION;
static const uint64_t SSL_OP_NO_TICKET;
static const uint64_t SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t SSL_OP_SINGLE_DH_USE;
static const uint64_t SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS;
/* Added in 3.0; flag PHPSTREAMS_HAS_SSL_OP_IGNORE_UNEXPECTED_EOF. */
static const uint64_t SSL_OP_IGNORE_UNEXPECTED_EOF;
/* 3.0: servers refuse client-initiated renegotiation unless this is set (1.1.1 always
   allowed it, and has no such option: 0 there). */
static const uint64_t SSL_OP_ALLOW_CLIENT_RENEGOTIATION;

static const long SSL_MODE_ENABLE_PARTIAL_WRITE;
static const long SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
static const long SSL_MODE_RELEASE_BUFFERS;
static const long SSL_MODE_AUTO_RETRY;

static const int SSL_VERIFY_NONE;
static const int SSL_VERIFY_PEER;
/* SSL_set_info_callback's "where" bit the renegotiation limit counts. */
static const int SSL_CB_HANDSHAKE_START;
static const int SSL_VERIFY_FAIL_IF_NO_PEER_CERT;

static const int SSL_FILETYPE_PEM;

static const int SSL_ERROR_NONE;
static const int SSL_ERROR_SSL;
static const int SSL_ERROR_WANT_READ;
static const int SSL_ERROR_WANT_WRITE;
static const int SSL_ERROR_WANT_X509_LOOKUP;
static const int SSL_ERROR_SYSCALL;
static const int SSL_ERROR_ZERO_RETURN;
static const int SSL_ERROR_WANT_CONNECT;
static const int SSL_ERROR_WANT_ACCEPT;

static const int SSL_SENT_SHUTDOWN;
static const int SSL_RECEIVED_SHUTDOWN;

static const int OPENSSL_NPN_NEGOTIATED;

/* sslerr.h */
static const int SSL_R_NO_SHARED_CIPHER;
/* Flag PHPSTREAMS_HAS_SSL_R_UNEXPECTED_EOF_WHILE_READING. */
static const int SSL_R_UNEXPECTED_EOF_WHILE_READING;
"""

FUNCTIONS = """
/* Methods and contexts */
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_server_method(void);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *);
void SSL_CTX_free(SSL_CTX *);
/* uint64_t since 3.0 (unsigned long in 1.1.1); the cffi wrapper converts either way. */
uint64_t SSL_CTX_set_options(SSL_CTX *, uint64_t);
uint64_t SSL_CTX_clear_options(SSL_CTX *, uint64_t);
uint64_t SSL_CTX_get_options(const SSL_CTX *);
int SSL_CTX_set_cipher_list(SSL_CTX *, const char *);
/* Flag PHPSTREAMS_HAS_SECURITY_LEVEL (added in 1.1.0). */
void SSL_CTX_set_security_level(SSL_CTX *, int);
int SSL_CTX_get_security_level(const SSL_CTX *);
void SSL_CTX_set_verify(SSL_CTX *, int, int (*)(int, X509_STORE_CTX *));
void SSL_CTX_set_verify_depth(SSL_CTX *, int);
int SSL_CTX_load_verify_locations(SSL_CTX *, const char *, const char *);
int SSL_CTX_set_default_verify_paths(SSL_CTX *);
X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *);
/* Takes over the caller's reference; frees the store the context had. */
void SSL_CTX_set_cert_store(SSL_CTX *, X509_STORE *);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *, const char *);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *, const char *, int);
int SSL_CTX_check_private_key(const SSL_CTX *);
void SSL_CTX_set_default_passwd_cb(SSL_CTX *, pem_password_cb *);
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *, void *);
/* Returns 0 on success (unlike most of the API). */
int SSL_CTX_set_alpn_protos(SSL_CTX *, const unsigned char *, unsigned int);
void SSL_CTX_set_alpn_select_cb(SSL_CTX *,
                                int (*)(SSL *, const unsigned char **, unsigned char *,
                                        const unsigned char *, unsigned int, void *),
                                void *);
int SSL_select_next_proto(unsigned char **, unsigned char *,
                          const unsigned char *, unsigned int,
                          const unsigned char *, unsigned int);
struct stack_st_X509_NAME *SSL_load_client_CA_file(const char *);
/* Takes ownership of the stack. */
void SSL_CTX_set_client_CA_list(SSL_CTX *, struct stack_st_X509_NAME *);
/* Added in 3.0, takes ownership of the key on success; flag
   PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY. */
int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *, EVP_PKEY *);
int SSL_CTX_set_session_id_context(SSL_CTX *, const unsigned char *, unsigned int);

/* Macros over SSL_CTX_ctrl / SSL_ctrl in every version. */
long phpstreams_SSL_CTX_set_mode(SSL_CTX *, long);
long phpstreams_SSL_set_mode(SSL *, long);
int phpstreams_SSL_CTX_set_min_proto_version(SSL_CTX *, int);
int phpstreams_SSL_CTX_set_max_proto_version(SSL_CTX *, int);
long phpstreams_SSL_CTX_set_dh_auto(SSL_CTX *, int);

/* Connections */
SSL *SSL_new(SSL_CTX *);
void SSL_free(SSL *);
int SSL_set_fd(SSL *, int);
int SSL_get_fd(const SSL *);
/* Takes ownership of both BIOs (one reference if rbio == wbio). */
void SSL_set_bio(SSL *, BIO *, BIO *);
void SSL_set_connect_state(SSL *);
void SSL_set_accept_state(SSL *);
int SSL_connect(SSL *);
int SSL_accept(SSL *);
int SSL_do_handshake(SSL *);
int SSL_is_init_finished(const SSL *);
int SSL_read(SSL *, void *, int);
int SSL_read_ex(SSL *, void *, size_t, size_t *);
int SSL_write(SSL *, const void *, int);
int SSL_write_ex(SSL *, const void *, size_t, size_t *);
int SSL_peek(SSL *, void *, int);
int SSL_pending(const SSL *);
/* Not used by the engine (PHP does not read ahead); benchmarks/bio_vs_fd.py measures it. */
void SSL_set_read_ahead(SSL *, int);
int SSL_has_pending(const SSL *);
int SSL_shutdown(SSL *);
int SSL_get_shutdown(const SSL *);
void SSL_set_shutdown(SSL *, int);
int SSL_get_error(const SSL *, int);
uint64_t SSL_set_options(SSL *, uint64_t);
SSL_CTX *SSL_set_SSL_CTX(SSL *, SSL_CTX *);
SSL_CTX *SSL_get_SSL_CTX(const SSL *);
void SSL_set_verify(SSL *, int, int (*)(int, X509_STORE_CTX *));
void SSL_set_info_callback(SSL *, void (*)(const SSL *, int, int));
void SSL_set_verify_depth(SSL *, int);

/* Peer certificate: new reference, release with X509_free.  Renamed in 3.0 (the old
   SSL_get_peer_certificate is a macro there); on 1.1.1 this name is #defined to the old one,
   which has the same semantics. */
X509 *SSL_get1_peer_certificate(const SSL *);
/* Borrowed; on the client side it includes the peer certificate, on the server side not. */
struct stack_st_X509 *SSL_get_peer_cert_chain(const SSL *);
long SSL_get_verify_result(const SSL *);
void SSL_set_verify_result(SSL *, long);

const char *SSL_get_version(const SSL *);
int SSL_version(const SSL *);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *);
const char *SSL_CIPHER_get_name(const SSL_CIPHER *);
int SSL_CIPHER_get_bits(const SSL_CIPHER *, int *);
const char *SSL_CIPHER_get_version(const SSL_CIPHER *);
void SSL_get0_alpn_selected(const SSL *, const unsigned char **, unsigned int *);

int SSL_copy_session_id(SSL *, const SSL *);
SSL_SESSION *SSL_get_session(const SSL *);
int SSL_set_session(SSL *, SSL_SESSION *);
/* A macro in 1.1.1, a function since 3.0; cffi's API mode compiles a call either way. */
int SSL_session_reused(const SSL *);

/* Application data slots: phpstreams._native allocates one index (EX_DATA_INDEX). */
void *SSL_get_ex_data(const SSL *, int);
int SSL_set_ex_data(SSL *, int, void *);
/* SSL_get_ex_new_index is a macro over CRYPTO_get_ex_new_index; no dup/free callbacks. */
int phpstreams_SSL_get_ex_new_index(long, void *);
/* The X509_STORE_CTX ex_data index under which OpenSSL stores the SSL being verified. */
int SSL_get_ex_data_X509_STORE_CTX_idx(void);
"""

CUSTOMIZATIONS = """
#ifndef SSL_OP_NO_TLSv1_3
#define SSL_OP_NO_TLSv1_3 0
#endif
#ifndef SSL_OP_ALLOW_CLIENT_RENEGOTIATION
#define SSL_OP_ALLOW_CLIENT_RENEGOTIATION 0
#endif
#ifndef SSL_OP_IGNORE_UNEXPECTED_EOF
#define SSL_OP_IGNORE_UNEXPECTED_EOF 0
#endif
#ifndef SSL_R_UNEXPECTED_EOF_WHILE_READING
#define SSL_R_UNEXPECTED_EOF_WHILE_READING 0
#endif

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#define SSL_get1_peer_certificate SSL_get_peer_certificate
/* Stub: never reachable from Python (pruned by PHPSTREAMS_HAS_SSL_CTX_SET0_TMP_DH_PKEY). */
static int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *ctx, EVP_PKEY *pkey)
{
    (void)ctx;
    (void)pkey;
    return 0;
}
#endif

static long phpstreams_SSL_CTX_set_mode(SSL_CTX *ctx, long mode)
{
    return SSL_CTX_set_mode(ctx, mode);
}

static long phpstreams_SSL_set_mode(SSL *ssl, long mode)
{
    return SSL_set_mode(ssl, mode);
}

static int phpstreams_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version)
{
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static int phpstreams_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version)
{
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static long phpstreams_SSL_CTX_set_dh_auto(SSL_CTX *ctx, int onoff)
{
    return SSL_CTX_set_dh_auto(ctx, onoff);
}

static int phpstreams_SSL_get_ex_new_index(long argl, void *argp)
{
    return SSL_get_ex_new_index(argl, argp, NULL, NULL, NULL);
}
"""
