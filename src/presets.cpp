// Built-in presets, selected with `extends:`. Same schema as .archive-lint.yml.
#include "presets.hpp"

namespace al {

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"jekyll",
       "generic Jekyll posts: only what Jekyll itself needs",
       R"(rules:
  front-matter/required-fields:
    fields: []
)"},
      {"news-archive",
       "reposted-news archives like finews: layout, title, dated offset, categories and tags",
       R"(extends: jekyll
site:
  url: https://finews.withounder.com
rules:
  front-matter/required-fields:
    fields: [layout, title, date, categories, tags]
  front-matter/field-types:
    types:
      layout: string
      title: string
      date: string
      categories: string-or-list
      tags: string-or-list
  front-matter/date-format:
    formats: ["%Y-%m-%d %H:%M:%S %z"]
  front-matter/date-invalid:
    reading: calendar
  # The archive's file names follow the author's clock: the day in the post's own offset.
  front-matter/filename-date:
    severity: error
    compare_in: post_offset
  html/disallowed-element:
    allow: [p, br, hr, div, span, strong, b, em, i, u, s, strike, del, ins, sub, sup, small, big, mark, font,
            center, blockquote, q, cite, abbr, code, pre, kbd, samp, var, time, h1, h2, h3, h4, h5, h6,
            ul, ol, li, dl, dt, dd, table, caption, colgroup, col, thead, tbody, tfoot, tr, th, td,
            a, img, figure, figcaption, picture, source, video, audio, track, section, article, header,
            footer, aside, details, summary, address, ruby, rt, rp, wbr, svg, math]
  html/disallowed-attribute:
    deny: ["on*", srcdoc, formaction]
  # Reposted news carries no Liquid: any of it is a mistake, in code or not.
  jekyll/liquid-syntax:
    report_all: true
  jekyll/liquid-in-code: error
  # One article reposted under two file names shares its source link and infoCode.
  archive/duplicate-post:
    match: [source_url, info_code, title_date]
  # Every category collects many posts, so one used once is a mistake even without a near name.
  archive/singleton-category:
    only_with_suggestion: false
attribution:
  marker:
    pattern: '（文章来源：(?<source>[^）]+)）'
    element: p.em_media
    count: 1
    position: end
  agree:
    tags: '{source}新闻'
    backlink_text: '返回{source}新闻'
    backlink_url:
      - '//finews.withounder.com/category/{category}.html'
      - '//finews.withounder.com/{category}/'
  categories:
    emnews:
      marker: none
      require_source_link: true
)"},
  };
  return all;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& p : presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace al
