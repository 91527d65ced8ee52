#pragma once
// The one architecture guard for hand-written x86 intrinsics in core: code includes
// <immintrin.h> and calls _mm* only under these macros, and has a plain C++ path otherwise.
// QUANTSCOPE_ARCH=none (the `portable` preset; any CPU that is not x86) defines
// QUANTSCOPE_PORTABLE: plain C++ only, even where the compiler's baseline has SSE2 (x86-64).
// Internal to core.

#if !defined(QUANTSCOPE_PORTABLE) && defined(__SSE2__)
#define QUANTSCOPE_SSE2 1
#if defined(__AVX__)
#define QUANTSCOPE_AVX 1
#endif
#if defined(__AVX2__)
#define QUANTSCOPE_AVX2 1
#endif
#if defined(__AVX512F__)
#define QUANTSCOPE_AVX512F 1
#endif
#if defined(__AVX512BW__)
#define QUANTSCOPE_AVX512BW 1
#endif
#endif
