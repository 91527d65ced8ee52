// Every type code NumPy accepts in a .npy descr, with every byte-order character, against what
// numpy.dtype(DESCR) makes of it (NumPy 1.24 on x86-64 Linux): '|b' is int8, not bool.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

// A version 1.0 .npy of shape (2,) with `descr` and the given data bytes.
std::vector<std::byte> npy(const std::string& descr, const std::vector<unsigned char>& data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }";
    while ((10 + header.size() + 1) % 64 != 0) {
        header += ' ';
    }
    header += '\n';
    std::string bytes = "\x93NUMPY\x01";
    bytes += '\0';
    bytes += static_cast<char>(header.size() & 0xFF);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    bytes.append(data.begin(), data.end());
    std::vector<std::byte> out(bytes.size());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
}

struct CodeCase {
    const char* code;     // without the byte order
    const char* dtype;    // QuantScope's dtype name ("" when refused as NumPy refuses it)
    std::size_t size;     // item bytes
    bool readable;        // false: listed only (long double, complex)
    float first, second;  // the values of the data below
};

// Data: two items. Integers hold all-ones bits then 5; floats 1.5 then -2; wider types zeros.
std::vector<unsigned char> data_for(const CodeCase& c, bool big_endian) {
    const bool is_float = std::string(c.dtype).starts_with("float");
    std::vector<unsigned char> data;
    for (int item = 0; item < 2; ++item) {
        std::uint64_t bits = item == 0 ? ~std::uint64_t{0} : 5;
        if (is_float && c.size == 2) {
            bits = item == 0 ? 0x3E00 : 0xC000;
        } else if (is_float && c.size == 4) {
            const float f = item == 0 ? 1.5f : -2.0f;
            std::uint32_t word = 0;
            std::memcpy(&word, &f, 4);
            bits = word;
        } else if (is_float) {
            const double d = item == 0 ? 1.5 : -2.0;
            std::memcpy(&bits, &d, 8);
        } else if (c.size > 8) {
            bits = 0;
        }
        for (std::size_t k = 0; k < c.size; ++k) {
            const std::size_t shift = 8 * (big_endian ? c.size - 1 - k : k);
            data.push_back(static_cast<unsigned char>(shift < 64 ? (bits >> shift) & 0xFF : 0));
        }
    }
    return data;
}

constexpr CodeCase kAccepted[] = {
    {"?", "bool", 1, true, 1, 1},
    {"b1", "bool", 1, true, 1, 1},
    {"b", "int8", 1, true, -1, 5},
    {"i1", "int8", 1, true, -1, 5},
    {"B", "uint8", 1, true, 255, 5},
    {"u1", "uint8", 1, true, 255, 5},
    {"h", "int16", 2, true, -1, 5},
    {"i2", "int16", 2, true, -1, 5},
    {"H", "uint16", 2, true, 65535, 5},
    {"u2", "uint16", 2, true, 65535, 5},
    {"i", "int32", 4, true, -1, 5},
    {"i4", "int32", 4, true, -1, 5},
    {"I", "uint32", 4, true, 4294967295.0f, 5},
    {"u4", "uint32", 4, true, 4294967295.0f, 5},
    {"l", "int64", 8, true, -1, 5},
    {"q", "int64", 8, true, -1, 5},
    {"p", "int64", 8, true, -1, 5},
    {"i8", "int64", 8, true, -1, 5},
    {"L", "uint64", 8, true, 18446744073709551615.0f, 5},
    {"Q", "uint64", 8, true, 18446744073709551615.0f, 5},
    {"P", "uint64", 8, true, 18446744073709551615.0f, 5},
    {"u8", "uint64", 8, true, 18446744073709551615.0f, 5},
    {"e", "float16", 2, true, 1.5f, -2},
    {"f2", "float16", 2, true, 1.5f, -2},
    {"f", "float32", 4, true, 1.5f, -2},
    {"f4", "float32", 4, true, 1.5f, -2},
    {"d", "float64", 8, true, 1.5f, -2},
    {"f8", "float64", 8, true, 1.5f, -2},
    {"g", "longdouble", 16, false, 0, 0},
    {"f16", "longdouble", 16, false, 0, 0},
    {"F", "complex64", 8, false, 0, 0},
    {"c8", "complex64", 8, false, 0, 0},
    {"D", "complex128", 16, false, 0, 0},
    {"c16", "complex128", 16, false, 0, 0},
    {"G", "complex256", 32, false, 0, 0},
};

// numpy.dtype refuses these ("data type ... not understood"); so does QuantScope.
constexpr const char* kRefused[] = {"b2",  "?1", "B1", "h2", "u", "i16", "i3",
                                    "f12", "e2", "d8", "n",  "N", "c4"};

TEST(NpyTypeCodes, EveryCodeAndByteOrderAsNumPyReadsIt) {
    for (const CodeCase& c : kAccepted) {
        for (const char order : {'<', '>', '|', '='}) {
            const std::string descr = std::string(1, order) + c.code;
            SCOPED_TRACE(descr);
            const auto source =
                open_source_bytes("t.npy", npy(descr, data_for(c, order == '>')), "npy");
            ASSERT_EQ(source->tensors().size(), 1U);
            EXPECT_EQ(source->tensors()[0].dtype, c.dtype);
            EXPECT_EQ(source->tensors()[0].bytes, static_cast<std::int64_t>(2 * c.size));
            ASSERT_EQ(source->readable(0), c.readable);
            if (c.readable) {
                test::expect_values(source->read(0), {c.first, c.second});
            } else {
                EXPECT_THROW((void)source->read(0), LoadError);
            }
        }
    }
}

TEST(NpyTypeCodes, CodesNumPyRefusesAreUnknownDtypes) {
    for (const char* code : kRefused) {
        for (const char order : {'<', '>', '|', '='}) {
            const std::string descr = std::string(1, order) + code;
            SCOPED_TRACE(descr);
            try {
                (void)open_source_bytes("t.npy", npy(descr, std::vector<unsigned char>(64)), "npy");
                ADD_FAILURE() << "accepted " << descr;
            } catch (const LoadError& error) {
                EXPECT_NE(error.problem().find("unknown dtype '" + descr + "'"), std::string::npos)
                    << error.what();
            }
        }
    }
}

}  // namespace
}  // namespace quantscope
