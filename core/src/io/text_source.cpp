// CSV / TSV / plain-text loader: one row of numbers per line, separated by commas, semicolons,
// tabs or spaces. Lines that are empty or start with '#' are skipped; a first line that is not
// all numbers is taken as column names. One row or one column gives a 1-D tensor, otherwise
// [rows, columns]; every row must have the same number of values. Numbers are parsed as C++
// from_chars does (decimal or scientific, "nan", "inf", an optional leading '+' or '-').
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "byte_reader.h"
#include "loaders.h"
#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

bool parse_number(std::string_view token, double& value) {
    if (!token.empty() && token.front() == '+') {
        token.remove_prefix(1);
        if (!token.empty() && token.front() == '-') {
            return false;
        }
    }
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    return error == std::errc() && end == token.data() + token.size();
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
        std::size_t line_start = 0;
        while (line_start < text.size()) {
            std::size_t line_end = text.find('\n', line_start);
            if (line_end == std::string::npos) {
                line_end = text.size();
            }
            std::string_view line(text.data() + line_start, line_end - line_start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            split(line, line_start, tokens, positions);
            const bool comment = !line.empty() &&
                                 line.find_first_not_of(" \t") != std::string_view::npos &&
                                 line[line.find_first_not_of(" \t")] == '#';
            if (!tokens.empty() && !comment) {
                std::vector<double> row(tokens.size());
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
                    for (const double value : row) {
                        values_.push_back(static_cast<float>(value));
                    }
                    ++rows;
                }
            }
            line_start = line_end + 1;
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

}  // namespace

std::unique_ptr<Source> open_text(FilePtr file) {
    return std::make_unique<TextSource>(std::move(file));
}

}  // namespace quantscope
