// CSV / TSV / plain-text loader: one row of numbers per line, separated by commas, semicolons,
// tabs or spaces. Lines that are empty or start with '#' are skipped; a first line that is not
// all numbers is taken as column names. One row or one column gives a 1-D tensor, otherwise
// [rows, columns]; every row must have the same number of values. As NumPy's loadtxt reads
// text: a leading UTF-8 byte-order mark is skipped, lines end in LF, CRLF or a lone CR, and a
// number is rounded once, correctly, to float32 (decimal or scientific, "nan", "inf", an
// optional leading '+' or '-'; subnormals exactly; 1e400 is inf and 1e-400 zero, as Python's
// float() gives them, not a refused line).
#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "byte_reader.h"
#include "loaders.h"
#include "quantscope/common/cancel.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

// Whether a decimal number from_chars found out of float's range is too large (else it is too
// small): the position of its first significant digit, plus its exponent.
bool beyond_largest(std::string_view number) {
    std::int64_t magnitude = 0;
    bool significant = false;
    bool fraction = false;
    std::size_t i = number.empty() || number[0] != '-' ? 0 : 1;
    for (; i < number.size() && number[i] != 'e' && number[i] != 'E'; ++i) {
        if (number[i] == '.') {
            fraction = true;
        } else if (number[i] != '0' || significant) {
            if (!significant && fraction) {
                break;  // first significant digit after the point: magnitude is -zeros
            }
            significant = true;
            magnitude += fraction ? 0 : 1;
        } else if (fraction) {
            --magnitude;
        }
    }
    const std::size_t e = number.find_first_of("eE");
    std::int64_t exponent = 0;
    if (e != std::string_view::npos) {
        std::string_view digits = number.substr(e + 1);
        const bool negative = !digits.empty() && digits[0] == '-';
        if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
            digits.remove_prefix(1);
        }
        for (const char c : digits) {
            exponent = std::min<std::int64_t>(exponent * 10 + (c - '0'), 1'000'000'000);
        }
        exponent = negative ? -exponent : exponent;
    }
    return magnitude + exponent > 0;
}

bool parse_number(std::string_view token, float& value) {
    if (!token.empty() && token.front() == '+') {
        token.remove_prefix(1);
        if (!token.empty() && token.front() == '-') {
            return false;
        }
    }
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (end != token.data() + token.size()) {
        return false;
    }
    if (error == std::errc::result_out_of_range) {
        const bool negative = token.front() == '-';
        const float magnitude =
            beyond_largest(token) ? std::numeric_limits<float>::infinity() : 0.0f;
        value = negative ? -magnitude : magnitude;
        return true;
    }
    return error == std::errc();
}

class TextSource final : public Source {
public:
    explicit TextSource(FilePtr file) : Source(file->name(), "csv"), file_(std::move(file)) {
        ByteReader reader(*file_);
        const std::string text = reader.string(file_->size());
        std::size_t rows = 0;
        std::size_t columns = 0;
        std::size_t first_row_at = 0;
        std::vector<std::string_view> tokens;
        std::vector<std::size_t> positions;
        std::size_t line_start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        // Parsing is the whole cost of opening a text file: the caller's cancel flag is looked
        // at every few thousand lines (cancel.h).
        const std::atomic<bool>* cancel = current_cancel_flag();
        std::size_t lines = 0;
        while (line_start < text.size()) {
            if (++lines % 4096 == 0) {
                throw_if_cancelled(cancel);
            }
            std::size_t line_end = text.find_first_of("\r\n", line_start);
            if (line_end == std::string::npos) {
                line_end = text.size();
            }
            const std::size_t next = line_end + (text.compare(line_end, 2, "\r\n") == 0 ? 2 : 1);
            const std::string_view line(text.data() + line_start, line_end - line_start);
            split(line, line_start, tokens, positions);
            const bool comment = !line.empty() &&
                                 line.find_first_not_of(" \t") != std::string_view::npos &&
                                 line[line.find_first_not_of(" \t")] == '#';
            if (!tokens.empty() && !comment) {
                std::vector<float> row(tokens.size());
                bool numeric = true;
                std::size_t bad = 0;
                for (std::size_t i = 0; i < tokens.size() && numeric; ++i) {
                    if (tokens[i].empty()) {
                        reader.fail_at(positions[i], "empty field");
                    }
                    numeric = parse_number(tokens[i], row[i]);
                    bad = i;
                }
                if (!numeric) {
                    if (rows == 0 && columns_names_.empty()) {
                        for (const auto token : tokens) {
                            columns_names_.emplace_back(token);
                        }
                    } else {
                        reader.fail_at(
                            positions[bad],
                            "'" + std::string(tokens[bad].substr(0, 40)) + "' is not a number");
                    }
                } else {
                    if (rows == 0) {
                        columns = row.size();
                        first_row_at = line_start;
                        if (!columns_names_.empty() && columns_names_.size() != columns) {
                            reader.fail_at(line_start, "row 1 has " + std::to_string(columns) +
                                                           " values but the header names " +
                                                           std::to_string(columns_names_.size()) +
                                                           " columns");
                        }
                    } else if (row.size() != columns) {
                        reader.fail_at(line_start, "row " + std::to_string(rows + 1) + " has " +
                                                       std::to_string(row.size()) +
                                                       " values, row 1 (at offset " +
                                                       std::to_string(first_row_at) + ") has " +
                                                       std::to_string(columns));
                    }
                    values_.insert(values_.end(), row.begin(), row.end());
                    ++rows;
                }
            }
            line_start = next;
        }
        TensorInfo info;
        info.name = file_stem(file_->name());
        info.dtype = "text";
        if (rows == 1) {
            info.shape = {static_cast<std::int64_t>(columns)};
        } else if (columns <= 1) {
            info.shape = {static_cast<std::int64_t>(rows)};
        } else {
            info.shape = {static_cast<std::int64_t>(rows), static_cast<std::int64_t>(columns)};
        }
        info.count = static_cast<std::int64_t>(values_.size());
        info.bytes = static_cast<std::int64_t>(file_->size());
        add_tensor(std::move(info));
        if (!columns_names_.empty()) {
            std::string names;
            for (const auto& name : columns_names_) {
                names += (names.empty() ? "" : ", ") + name;
            }
            add_metadata("columns", names);
        }
    }

protected:
    FloatBuffer read_values(std::size_t) const override { return values_; }
    // The values were parsed when the file was opened (its shape needs every line).
    FloatBuffer read_sample(std::size_t, std::int64_t stride,
                            const std::function<void(double)>&) const override {
        return take_every(values_, stride);
    }

private:
    // Splits on , ; (each separates one field) and runs of spaces or tabs.
    static void split(std::string_view line, std::size_t base,
                      std::vector<std::string_view>& tokens, std::vector<std::size_t>& positions) {
        tokens.clear();
        positions.clear();
        std::size_t i = 0;
        const auto space = [&](std::size_t at) { return line[at] == ' ' || line[at] == '\t'; };
        while (i < line.size() && space(i)) {
            ++i;
        }
        if (i == line.size()) {
            return;
        }
        while (true) {
            const std::size_t start = i;
            while (i < line.size() && !space(i) && line[i] != ',' && line[i] != ';') {
                ++i;
            }
            tokens.push_back(line.substr(start, i - start));
            positions.push_back(base + start);
            while (i < line.size() && space(i)) {
                ++i;
            }
            if (i == line.size()) {
                return;
            }
            if (line[i] == ',' || line[i] == ';') {
                ++i;
                while (i < line.size() && space(i)) {
                    ++i;
                }
                if (i == line.size()) {
                    tokens.emplace_back();  // "1,2," ends in an empty field
                    positions.push_back(base + i);
                    return;
                }
            }
        }
    }

    FilePtr file_;
    std::vector<std::string> columns_names_;
    FloatBuffer values_;
};

constexpr std::string_view kTextExtensions[] = {"csv", "tsv", "txt"};

}  // namespace

extern constinit const Loader text_loader{
    {"csv", kTextExtensions, "numbers as text, 1 or 2 dimensions"}, nullptr, open_as<TextSource>};

}  // namespace quantscope
