#include "archive_lint/permalink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "archive_lint/config.hpp"
#include "archive_lint/text.hpp"

namespace al {

namespace {

// One code point of UTF-8 at s[i] (U+FFFD for a bad byte); advances i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const DecodedCodePoint d = decode_utf8_at(s, i);
  i += d.length;
  return d.valid ? d.code_point : U'\uFFFD';
}

// Ruby's \p{L}, \p{M} or \p{Nd}. Without a Unicode table in the dependencies,
// non-ASCII code points count as letters except the punctuation, symbol and
// space blocks that titles meet (Latin-1 signs, General Punctuation, CJK
// symbols, full-width ASCII punctuation, arrows and emoji); see docs/checks.
bool slug_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c <= 0xBF) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;   // punctuation, super/subscripts, currency, arrows, math, shapes
  if (c >= 0x3000 && c <= 0x3004) return false;   // ideographic space, 、。〃〄
  if (c >= 0x3008 && c <= 0x3020) return false;   // brackets, 〒〓〜〝〞〟〠
  if (c == 0x30FB) return false;                  // katakana middle dot
  if (c >= 0xFE10 && c <= 0xFE6F) return false;   // vertical and small forms
  if (c >= 0xFF01 && c <= 0xFF0F) return false;   // full-width ！＂＃＄％＆＇（）＊＋，－．／
  if (c >= 0xFF1A && c <= 0xFF20) return false;   // ：；＜＝＞？＠
  if (c >= 0xFF3B && c <= 0xFF40) return false;
  if (c >= 0xFF5B && c <= 0xFF65) return false;
  if (c >= 0x1F000 && c <= 0x1FAFF) return false; // emoji and pictographs
  return c != 0xFFFD && c != 0xFEFF;
}

bool pretty_keep(char32_t c) { return c < 0x80 && std::string_view("._~!$&'()+,;=@").find(static_cast<char>(c)) != std::string_view::npos; }

long long days_from_civil(int y, int m, int d) {
  return al::days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

// Psych reads `YYYY-M-D HH:MM:SS` (seconds required) as a YAML timestamp,
// and one without an offset as UTC; anything else stays a string, which
// Ruby's Time.parse reads in the local zone.
// Psych's TIME pattern without its offset part:
// ^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?$
bool yaml_timestamp_without_offset(std::string_view t) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (i < t.size() && n < max && t[i] >= '0' && t[i] <= '9') ++i, ++n;
    return n >= min;
  };
  auto literal = [&](char c) { return i < t.size() && t[i] == c ? (++i, true) : false; };
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  literal('-');
  if (!(digits(4, 4) && literal('-') && digits(1, 2) && literal('-') && digits(1, 2))) return false;
  if (!literal('T') && !literal('t')) {
    if (i >= t.size() || !space(t[i])) return false;
    while (i < t.size() && space(t[i])) ++i;
  }
  if (!(digits(1, 2) && literal(':') && digits(2, 2) && literal(':') && digits(2, 2))) return false;
  if (literal('.')) digits(0, t.size());
  return i == t.size();
}

// The post's date as Jekyll's Time in the site's zone: a moment in the text's
// own offset, else the text read as local time.
std::optional<std::pair<PostDate, long long>> local_date(const JekyllSite& site, std::string_view date_text,
                                                         std::string_view file_date, std::optional<int> fallback_offset_minutes) {
  auto zone_offset = [&](long long utc) { return site.timezone ? site.timezone->offset_at(utc) : *fallback_offset_minutes * 60; };
  auto from_text = [&](std::string_view text, bool may_be_timestamp) -> std::optional<std::pair<PostDate, long long>> {
    auto d = read_post_date(text);
    if (!d || !calendar_problem(*d).empty()) return std::nullopt;
    if (!d->has_offset && may_be_timestamp && yaml_timestamp_without_offset(trim(text))) d->has_offset = true;
    if (!site.timezone && !fallback_offset_minutes) {
      const long long utc = epoch_seconds(*d);
      return std::pair{civil_from_epoch(utc, d->offset_minutes * 60), utc};  // as written
    }
    if (d->has_offset) {
      const long long utc = epoch_seconds(*d);
      return std::pair{civil_from_epoch(utc, zone_offset(utc)), utc};
    }
    // Local wall time: the offset is the zone's at that moment (found from a first guess).
    const long long wall = epoch_seconds(*d);
    long long utc = wall - zone_offset(wall);
    utc = wall - zone_offset(utc);
    return std::pair{civil_from_epoch(utc, zone_offset(utc)), utc};
  };
  if (!date_text.empty()) {
    if (auto d = from_text(date_text, true)) return d;
  }
  return from_text(file_date, false);
}

const char* const kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

// strftime's date fields that Jekyll's UrlDrop exposes.
std::vector<std::pair<std::string, std::string>> date_values(const PostDate& d) {
  const long long days = days_from_civil(d.year, d.month, d.day);
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 0 = Sunday; 1970-01-01 was a Thursday
  const int iso_day = weekday == 0 ? 7 : weekday;
  const long long yday = days - days_from_civil(d.year, 1, 1) + 1;
  // ISO 8601 week: the week holding this week's Thursday.
  const long long thursday = days - iso_day + 4;
  const PostDate th = civil_from_epoch(thursday * 86400, 0);
  const long long week = (thursday - days_from_civil(th.year, 1, 1)) / 7 + 1;
  auto two = [](long long v) { return fmt::format("{:02}", v); };
  return {{"year", fmt::format("{:04}", d.year)},   {"month", two(d.month)},
          {"day", two(d.day)},                      {"hour", two(d.hour)},
          {"minute", two(d.minute)},                {"second", two(d.second)},
          {"i_day", std::to_string(d.day)},         {"i_month", std::to_string(d.month)},
          {"short_month", kShortMonths[d.month - 1]}, {"long_month", kLongMonths[d.month - 1]},
          {"short_year", two(d.year % 100)},        {"w_year", fmt::format("{:04}", th.year)},
          {"week", two(week)},                      {"w_day", std::to_string(iso_day)},
          {"short_day", kShortDays[weekday]},       {"long_day", kLongDays[weekday]},
          {"y_day", fmt::format("{:03}", yday)}};
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

std::vector<std::string> yaml_words(const YAML::Node& node, bool split) {
  std::vector<std::string> out;
  auto words = [&](const std::string& s) {
    if (!split) return out.push_back(s);
    std::size_t i = 0;
    while (i < s.size()) {
      i = s.find_first_not_of(" \t\r\n", i);
      if (i == std::string::npos) break;
      const auto j = std::min(s.find_first_of(" \t\r\n", i), s.size());
      out.push_back(s.substr(i, j - i));
      i = j;
    }
  };
  if (node && node.IsScalar()) words(node.Scalar());
  if (node && node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> jekyll_front_matter_categories(const YAML::Node& categories, const YAML::Node& category) {
  std::vector<std::string> out;
  for (auto& c : yaml_words(categories, true)) add_unique(out, std::move(c));
  for (auto& c : yaml_words(category, false)) add_unique(out, std::move(c));
  std::erase_if(out, [](const std::string& c) { return c.empty(); });
  return out;
}

namespace {

// Document#categories_from_path, merge_categories! and populate_categories:
// folders, then the defaults', then the front matter's, each once.
std::vector<std::string> post_categories(const PostFacts& post, const YAML::Node* defaults) {
  std::vector<std::string> out;
  for (auto& c : folder_categories(post.relative_path)) add_unique(out, std::move(c));
  if (defaults) {
    for (auto& c : yaml_words((*defaults)["categories"], true)) add_unique(out, std::move(c));
    for (auto& c : yaml_words((*defaults)["category"], false)) add_unique(out, std::move(c));
  }
  for (const auto& c : post.categories) add_unique(out, c);
  return out;
}

std::string default_scalar(const YAML::Node* defaults, const char* key) {
  if (!defaults) return std::string();
  const YAML::Node n = (*defaults)[key];
  return n && n.IsScalar() ? n.Scalar() : std::string();
}

// Jekyll::URL#generate_url_from_drop: `:name` replaced by the drop's value;
// nullopt for a name the drop does not have.
std::optional<std::string> fill_template(const std::string& tmpl, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    std::size_t j = i + 1;
    while (j < tmpl.size() && ((tmpl[j] >= 'a' && tmpl[j] <= 'z') || tmpl[j] == '_')) ++j;
    if (tmpl[i] != ':' || j == i + 1) {
      out.push_back(tmpl[i++]);
      continue;
    }
    std::string name = tmpl.substr(i + 1, j - i - 1);
    auto find = [&](const std::string& key) {
      return std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == key; });
    };
    auto it = find(name);
    if (it == values.end() && name.back() == '_') {
      name.pop_back();
      it = find(name);
      --j;  // the `_` stays in the URL
    }
    if (it == values.end()) return std::nullopt;
    out += jekyll_escape_path(it->second);
    i = j;
  }
  return out;
}

// Jekyll::URL#sanitize_url
std::string sanitize_url(const std::string& url) {
  std::string a(1, '/');  // "/#{str}"
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url.compare(i, 2, "..") == 0) {
      a += '/';
      ++i;
    } else {
      a += url[i];
    }
  }
  std::string b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.compare(i, 2, "./") == 0) ++i;
    else b += a[i];
  }
  std::string c;
  for (char ch : b) {
    if (ch == '/' && !c.empty() && c.back() == '/') continue;
    c += ch;
  }
  return c;
}

std::string unescape_path(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Jekyll.sanitized_path then Document#destination: `/x/` -> x/index.html,
// `/x` -> x + output_ext unless it already ends so.
std::string destination_of(const std::string& url, const std::string& output_ext) {
  // File.expand_path(path, "/"): `.` and `..` resolved, never above the destination.
  std::vector<std::string_view> parts;
  const std::string unescaped = unescape_path(url);
  std::string_view rest = unescaped;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string path;
  for (const auto part : parts) {
    if (!path.empty()) path += '/';
    path += part;
  }
  if (url.empty() || url.back() == '/' || path.empty()) return path.empty() ? "index.html" : path + "/index.html";
  if (path.size() < output_ext.size() || path.compare(path.size() - output_ext.size(), output_ext.size(), output_ext) != 0)
    path += output_ext;
  return path;
}

std::string output_ext_of(const JekyllSite& site, const std::string& permalink, const std::string& ext) {
  // Renderer#permalink_ext: a permalink's own extension wins.
  if (!permalink.empty() && permalink.back() != '/') {
    const auto slash = permalink.rfind('/');
    const auto dot = permalink.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1) && dot + 1 < permalink.size())
      return permalink.substr(dot);
  }
  const std::string lower = to_lower_ascii(ext.size() > 1 ? ext.substr(1) : "");
  if (std::find(site.markdown_ext.begin(), site.markdown_ext.end(), lower) != site.markdown_ext.end()) return ".html";
  return ext;  // the identity converter keeps the extension
}

}  // namespace

std::optional<JekyllPostName> jekyll_post_name(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  std::size_t i = 0;
  // A run of min..max digits at i, as a number (at most 4 digits: no overflow).
  auto number = [&](std::size_t min, std::size_t max) -> std::optional<int> {
    std::size_t n = 0;
    int value = 0;
    while (i < name.size() && n < max && name[i] >= '0' && name[i] <= '9') value = value * 10 + (name[i++] - '0'), ++n;
    return n >= min ? std::optional<int>(value) : std::nullopt;
  };
  auto dash = [&] { return i < name.size() && name[i] == '-' ? (++i, true) : false; };
  const auto year = number(2, 4);
  if (!year || !dash()) return std::nullopt;
  const auto month = number(1, 2);
  if (!month || !dash()) return std::nullopt;
  const auto day = number(1, 2);
  if (!day) return std::nullopt;
  const std::size_t date_end = i;
  if (!dash()) return std::nullopt;
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot < i || dot + 1 == name.size()) return std::nullopt;
  JekyllPostName parts{std::string(name.substr(0, date_end)), std::string(name.substr(i, dot - i)),
                       std::string(name.substr(dot)), std::string(name.substr(0, dot)), *year, *month, *day};
  while (!parts.slug.empty() && parts.slug.back() == '.') parts.slug.pop_back();
  return parts;
}

bool is_jekyll_post_name(std::string_view relative_path) { return jekyll_post_name(relative_path).has_value(); }

std::string jekyll_slugify(std::string_view text, bool pretty, bool cased) {
  std::string out;
  bool dash = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t c = next_code_point(text, i);
    if (slug_letter(c) || (pretty && pretty_keep(c))) {
      if (dash) out.push_back('-');
      dash = false;
      for (std::size_t k = start; k < i; ++k) {
        const char b = text[k];
        out.push_back(!cased && b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      }
    } else {
      dash = true;
    }
  }
  if (dash) out.push_back('-');
  // gsub(/^-|-$/, ""): one leading and one trailing hyphen go.
  if (!out.empty() && out.front() == '-') out.erase(0, 1);
  if (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string jekyll_escape_path(std::string_view text) {
  if (text.empty() || text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./-") ==
                          std::string_view::npos)
    return std::string(text);
  // Addressable::URI.encode keeps a path's pchar and '/', and '?' (the query
  // starts there); Jekyll then writes the fragment's '#' as %23.
  constexpr std::string_view kKeep = "-._~!$&'()*+,;=:@/?";
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80 && (std::isalnum(c) || kKeep.find(static_cast<char>(c)) != std::string_view::npos))
      out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::optional<JekyllPost> jekyll_post(const JekyllSite& site, const PostFacts& post, std::optional<int> fallback_offset_minutes) {
  const auto name = jekyll_post_name(post.relative_path);
  if (!name) return std::nullopt;
  // Most sites have no `defaults:`; then no YAML node is built per post.
  const std::optional<YAML::Node> merged =
      site.defaults.empty() ? std::nullopt : std::optional<YAML::Node>(site.defaults_for(post.relative_path, "posts"));
  const YAML::Node* defaults = merged ? &*merged : nullptr;
  const std::string date_text = post.date.empty() ? default_scalar(defaults, "date") : post.date;
  const auto date = local_date(site, date_text, name->date, fallback_offset_minutes);
  if (!date) return std::nullopt;
  JekyllPost out;
  out.date = date->first;
  out.epoch_seconds = date->second;
  out.categories = post_categories(post, defaults);
  const std::string permalink = post.permalink.empty() ? default_scalar(defaults, "permalink") : post.permalink;
  const std::string slug_source = !post.slug.empty() ? post.slug : !default_scalar(defaults, "slug").empty()
                                                                       ? default_scalar(defaults, "slug")
                                                                       : name->slug;
  std::string categories, path = post.relative_path.substr(0, post.relative_path.size() - name->ext.size());
  std::vector<std::string> lowered;
  for (const auto& c : out.categories) add_unique(lowered, to_lower_ascii(c));
  std::vector<std::string> slugged;
  for (const auto& c : out.categories) add_unique(slugged, jekyll_slugify(c, false, false));
  auto join = [](const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : "/") + p;
    return s;
  };
  // Document#cleaned_relative_path: the first `_posts` goes, trailing dots too.
  if (const auto at = path.find("_posts"); at != std::string::npos) path.erase(at, 6);
  while (!path.empty() && path.back() == '.') path.pop_back();
  const std::string output_ext = output_ext_of(site, permalink, name->ext);
  auto values = date_values(out.date);
  values.insert(values.end(), {{"collection", "posts"},
                               {"name", jekyll_slugify(name->basename, false, false)},
                               {"title", jekyll_slugify(slug_source, true, true)},
                               {"slug", jekyll_slugify(slug_source, false, false)},
                               {"categories", join(lowered)},
                               {"slugified_categories", join(slugged)},
                               {"output_ext", output_ext},
                               {"path", path}});
  const auto filled = fill_template(permalink.empty() ? site.post_url_template() : permalink, values);
  if (!filled) return std::nullopt;
  out.url = sanitize_url(*filled);
  out.destination = destination_of(out.url, output_ext);
  return out;
}

}  // namespace al
