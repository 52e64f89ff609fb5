#pragma once
// The tokenizer half of the HTML analysis (tokenizer.cpp).
#include <string_view>

#include "html/parts.hpp"
#include "html/tree.hpp"

namespace al::html_detail {

// Reads view as the HTML tokenizer does, from the data state to the
// end-of-file token, reporting its errors to log and its tokens to tree.
void tokenize(std::string_view view, AnalysisLog& log, TreeBuilder& tree);

}  // namespace al::html_detail
