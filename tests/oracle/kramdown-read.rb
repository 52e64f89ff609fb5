#!/usr/bin/env ruby
# frozen_string_literal: true
# The oracle for src/markdown.cpp's reading of HTML in Markdown: what Jekyll
# 4.3.1 (Liquid 5.4, then kramdown 2.4 with Jekyll's kramdown settings, GFM
# input) makes of a post body. Reads JSON lines {"id":..,"text":..} on stdin
# and prints one JSON line per snippet:
#   {"id":..,"elements":[names],"text_end_tags":[names],"auto_closed":[names],"code":N}
#   or {"id":..,"skip":"why"} when Liquid refuses the snippet.
# elements: kramdown's html_element nodes in document order (each is a tag
#   of the source kept as markup), without those Jekyll's highlight tag writes;
# text_end_tags: end tags kramdown shows as text ("invalidly used HTML closing tag"),
#   one per name and line (kramdown's warnings, without its repeats);
# auto_closed: elements kramdown closes itself ("Found no end tag");
# code: code spans and code blocks.
require "json"
require "jekyll"
require "tmpdir"

Jekyll.logger.log_level = :error
Liquid::Template.error_mode = Jekyll::Configuration::DEFAULTS["liquid"]["error_mode"].to_sym
source = Dir.mktmpdir("kramdown-oracle")
at_exit { FileUtils.rm_rf(source) }
site = Jekyll::Site.new(Jekyll.configuration("source" => source, "destination" => File.join(source, "_site"),
                                             "quiet" => true, "disable_disk_cache" => true))
# The options Jekyll's kramdown converter passes (Jekyll::Converters::Markdown::KramdownParser).
options = Jekyll::Utils.symbolize_hash_keys(site.config["kramdown"])
options[:input] = "GFM"

# kramdown's table parser reads a table's lines a second time, only to check
# where its pipes are (parse_spans with the code span and span HTML parsers):
# that pass repeats the warnings, which describe nothing on the page.
module QuietTableCheck
  def parse_spans(el, stop_re = nil, parsers = nil, *rest)
    return super unless parsers == %i[codespan span_html]

    before = @warnings.size
    result = super
    @warnings.slice!(before..)
    result
  end
end
Kramdown::Parser::Kramdown.prepend(QuietTableCheck)

# Footnote definitions live beside the tree (the parser's @footnotes): keep
# them, so that what kramdown read in them is compared too.
module KeepFootnotes
  def parse
    super
    @root.options[:all_footnotes] = @footnotes.values.map { |f| f[:content] }
  end
end
Kramdown::Parser::Kramdown.prepend(KeepFootnotes)

def walk(el, out)
  if el.type == :html_element
    return if el.value.downcase == "figure" && el.attr["class"].to_s.split.include?("highlight") # Jekyll's highlight

    out[:elements] << el.value
  end
  out[:code] += 1 if el.type == :codespan || el.type == :codeblock
  el.children.each { |c| walk(c, out) }
end

$stdout.sync = true
$stdin.each_line do |line|
  input = JSON.parse(line)
  text = input["text"].dup.force_encoding(Encoding::UTF_8)
  begin
    rendered = Liquid::Template.parse(text, :line_numbers => true)
                               .render!({}, :registers => { :site => site, :page => {} }, :strict_variables => false)
  rescue Exception => e # rubocop:disable Lint/RescueException
    raise if e.is_a?(Interrupt) || e.is_a?(SystemExit)

    puts JSON.generate("id" => input["id"], "skip" => "Liquid: #{e.message.to_s.scrub}")
    next
  end
  doc = Kramdown::Document.new(rendered, options)
  out = { elements: [], code: 0 }
  walk(doc.root, out)
  Array(doc.root.options[:all_footnotes]).each { |content| walk(content, out) }
  # kramdown reads some text twice (an emphasis it gives up, a table row) and
  # then repeats a warning word for word: one per distinct warning.
  warnings = doc.warnings.uniq
  text_end = warnings.filter_map { |w| w[/\AFound invalidly used HTML closing tag for '([^']*)'/, 1] }
  closed = warnings.filter_map { |w| w[/\AFound no end tag for '([^']*)'/, 1] }
  puts JSON.generate("id" => input["id"], "elements" => out[:elements], "text_end_tags" => text_end,
                     "auto_closed" => closed, "code" => out[:code])
end
