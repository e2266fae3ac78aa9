#ifndef CASSAY_LIBCRYPTO_SHIM_H
#define CASSAY_LIBCRYPTO_SHIM_H
/* SHA-256 only. OpenSSL's low-level SHA256_* calls use the CPU's SHA extensions and, unlike
   EVP, allocate nothing: about 4x libsodium's portable SHA-256 on Assay's record sizes. They
   are deprecated (not removed) in OpenSSL 3; ask for the 1.1.1 API to keep them quiet. */
#define OPENSSL_API_COMPAT 0x10101000L
#include <openssl/sha.h>
#endif
