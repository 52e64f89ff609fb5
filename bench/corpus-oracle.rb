#!/usr/bin/env ruby
# frozen_string_literal: true

# bench/corpus-oracle.rb: labels archive-lint's findings on one real Jekyll
# site against the real engines (Jekyll 4.3.1, Liquid 5.4, kramdown 2.4,
# Nokogiri's HTML5 parser), for bench/corpus.
#
#   ruby bench/corpus-oracle.rb label SITE_DIR FINDINGS.json NAME > labels.jsonl
#   ruby bench/corpus-oracle.rb summarize OUT_DIR           # table + labels.tsv/json
#
# `label` loads the site through Jekyll's API (Site#setup requires _plugins and
# the configured gems; Site#read reads every post, page and collection; nothing
# is written) and prints one JSON line per finding:
#   {"site","file","line","rule","label": "true"|"false"|"unlabelled","reason","detail","message"}
# then one line {"site_info": {...}} (posts Jekyll reads, plugin tags, zone).
# `reason` is a short class (grouped in the summary), `detail` the specifics.
#
# A finding is "true" only when the engine confirms it; a rule with no oracle
# here is "unlabelled", never true. See bench/README.md, "Corpus precision".
require "json"
require "tmpdir"
require "set"
require "fileutils"

ENV["TZ"] = "UTC" # Jekyll's zone without `timezone:` is the machine's; pin UTC as GitHub Pages does

module CorpusOracle
  module_function

  # ---------------------------------------------------------------- site ---
  class SiteModel
    attr_reader :site, :source, :read_errors, :docs_by_path, :plugin_tags, :dest

    def initialize(source)
      require "jekyll"
      Jekyll.logger.log_level = :error
      @source = File.expand_path(source)
      @read_errors = {}
      errors = @read_errors
      # Document#read logs and swallows read errors, but re-raises fatal ones
      # (InvalidDateError): record both per path and go on, so one bad post
      # does not stop the whole site from loading.
      Jekyll::Document.prepend(Module.new do
        define_method(:handle_read_error) do |error|
          errors[path] = error
        end
      end)
      built_in = Liquid::Template.tags.to_h.keys
      @dest = Dir.mktmpdir("corpus-oracle") # nothing is written there; removed at exit
      dest = @dest
      at_exit { FileUtils.rm_rf(dest) }
      config = Jekyll.configuration("source" => @source, "destination" => @dest, "quiet" => true,
                                    "disable_disk_cache" => true) # write nothing into the site
      @site = Jekyll::Site.new(config)
      @site.reset
      @site.read
      @plugin_tags = Liquid::Template.tags.to_h.keys - built_in
      @docs_by_path = {}
      @site.posts.docs.each { |d| @docs_by_path[d.path] = d }
      @site.collections.each_value { |c| c.docs.each { |d| @docs_by_path[d.path] ||= d } }
      @site.pages.each { |p| @docs_by_path[File.join(@source, p.relative_path)] ||= p }
      @unread = {}
    end

    def abs(rel) = File.expand_path(rel, @source)
    def post?(rel) = @site.posts.docs.any? { |d| d.path == abs(rel) }
    def posts = @site.posts.docs

    # Jekyll's document for a path: the one Site#read kept, else a post read
    # by hand (Site#read drops unpublished and future posts): [doc, kept?]
    def doc(rel)
      path = abs(rel)
      return [@docs_by_path[path], true] if @docs_by_path[path]
      return [@unread[path], false] if @unread.key?(path)

      d = nil
      if File.file?(path) && rel.include?("_posts/")
        begin
          d = Jekyll::Document.new(path, :site => @site, :collection => @site.posts)
          d.read
        rescue StandardError => e
          @read_errors[path] ||= e
          d = nil
        end
      end
      @unread[path] = d
      [d, false]
    end

    def read_error(rel) = @read_errors[abs(rel)]

    def payload
      @payload ||= @site.site_payload
    end

    # Liquid, then the converter (kramdown for Markdown; .html is kept), no layout.
    def render(rel)
      @rendered ||= {}
      return @rendered[rel] if @rendered.key?(rel)

      d, = doc(rel)
      @rendered[rel] =
        if d.nil? then [nil, "not a document Jekyll reads"]
        else
          begin
            r = Jekyll::Renderer.new(@site, d, payload)
            %i[assign_pages! assign_current_document! assign_highlighter_options! assign_layout_data!].each { |m| r.send(m) }
            info = { :registers => { :site => @site, :page => r.payload["page"] } }
            out = d.content.to_s
            out = r.render_liquid(out, r.payload, info, d.path) if d.respond_to?(:render_with_liquid?) ? d.render_with_liquid? : true
            [r.convert(out.to_s), nil]
          rescue Exception => e # rubocop:disable Lint/RescueException
            raise if e.is_a?(Interrupt)

            [nil, "render failed: #{e.class}: #{e.message.to_s.lines.first.to_s.strip[0, 120]}"]
          end
        end
    end

    # The converter alone (no Liquid): where the raw braces sit in the HTML.
    def convert_only(rel)
      d, = doc(rel)
      return nil unless d

      Jekyll::Renderer.new(@site, d, payload).convert(d.content.to_s)
    rescue StandardError
      nil
    end

    def info
      { "posts_read" => posts.size, "plugin_tags" => @plugin_tags.sort,
        "timezone" => @site.config["timezone"], "future" => @site.future,
        "liquid_error_mode" => @site.config.dig("liquid", "error_mode"),
        "read_errors" => @read_errors.size }
    end
  end


  def fm_lines(text)
    m = text.match(/\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m)
    m ? m[0].count("\n") : 0
  end

  def lang_of(rel, doc)
    l = doc&.data&.[]("lang") || doc&.data&.[]("language") || doc&.data&.[]("locale")
    folder = rel.split("/")[0..-2].find { |s| s.match?(/\A[a-z]{2}([_-][A-Za-z]{2,4})?\z/) }
    [l&.to_s, folder]
  end

  def tokens(text)
    text.to_s.gsub(/\{%.*?%\}|\{\{.*?\}\}/m, " ").gsub(/<[^>]*>/, " ")
        .scan(/[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u30fc\u3005]|[[\p{L}\p{N}_]&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u30fc\u3005]]+/)
        .map(&:downcase) # each CJK character is a word
  end

  def shingles(toks, k = 4)
    return Set[toks.join(" ")] if toks.size < k

    Set.new(toks.each_cons(k).map { |a| a.join(" ") })
  end

  def jaccard(a, b)
    return 1.0 if a.empty? && b.empty?

    (a & b).size.to_f / (a | b).size
  end

  # ------------------------------------------------------------- liquid ----
  # Liquid raises at its first error only. To check the later findings too,
  # the markup on the line of each error is blanked and the body parsed again
  # (as if that error were fixed), up to 30 times: the list of [line, message].
  def liquid_errors(content)
    errs = []
    text = content.dup
    30.times do
      Liquid::Template.parse(text, :line_numbers => true)
      break
    rescue Exception => e # rubocop:disable Lint/RescueException
      raise if e.is_a?(Interrupt) || e.is_a?(SystemExit)

      line = e.respond_to?(:line_number) ? e.line_number : nil
      errs << [line, e.message.to_s.scrub.sub(/\ALiquid syntax error \(line \d+\): /, "")]
      break unless line && line >= 1

      lines = text.lines
      break if line > lines.size

      before = lines[line - 1]
      lines[line - 1] = before.gsub(/\{%.*?(%\}|\z)|\{\{.*?(\}\}|\z)/) { |m| " " * m.size }
      lines[line - 1] = before.gsub(/[{}%]/, " ") if lines[line - 1] == before
      text = lines.join
    end
    errs
  end

  def expected_liquid(msg)
    return Regexp.last_match(1) if msg =~ /fails with "([^"]+)"/
    return "Unknown tag '#{Regexp.last_match(1)}'" if msg =~ /unknown Liquid tag '([^']+)'/
    return "Unknown tag 'end#{Regexp.last_match(1)}'" if msg =~ /\{% end(\w+) %\} closes no open block/
    return "'#{Regexp.last_match(1)}' tag was never closed" if msg =~ /'(\w+)' tag was never closed/
    return "not a valid delimiter" if msg.include?("not a valid delimiter")
    return "was not properly terminated" if msg =~ /is not closed by|not a complete Liquid tag/
    return "Syntax Error" if msg.include?("malformed Liquid tag")
    return "Nesting too deep" if msg.include?("nested")

    nil
  end

  def label_liquid_syntax(sm, f)
    d, kept = sm.doc(f["path"])
    return ["false", "not a document Jekyll reads (static, excluded or unread file)", ""] unless d
    return ["false", "not rendered by Jekyll (unpublished or future post)", ""] unless kept
    if d.data["render_with_liquid"] == false
      return ["false", "render_with_liquid: false", ""]
    end

    raw = File.read(sm.abs(f["path"]), :encoding => "UTF-8")
    off = fm_lines(raw)
    errs = liquid_errors(d.content.to_s)
    exp = expected_liquid(f["message"])
    if errs.empty?
      tag = f["message"][/tag '(?:end)?([^']+)'|\{% end(\w+) %\}/, 1] || f["message"][/\{% end(\w+) %\}/, 1]
      if tag && sm.plugin_tags.include?(tag)
        return ["false", "plugin tag registered by the site", "tag '#{tag}'"]
      end

      return ["false", "Liquid parses the body", ""]
    end
    errs_abs = errs.map { |l, m| [l && l + off, m] }
    kind = errs_abs.select { |_, m| exp && m.downcase.include?(exp.downcase) }
    near = kind.find { |l, _| l && (l - f["line"]).abs <= 2 }
    return ["true", "Liquid raises this error", "line #{near[0]}: #{near[1][0, 100]}"] if near
    return ["true", "Liquid raises this error (other line)", "Liquid line #{kind[0][0]} vs #{f['line']}: #{kind[0][1][0, 100]}"] unless kind.empty?

    any_near = errs_abs.find { |l, _| l && (l - f["line"]).abs <= 2 }
    return ["true", "Liquid raises another error at this line", any_near[1][0, 120]] if any_near

    ["false", "Liquid's errors differ", errs_abs.first(2).map { |l, m| "#{l}: #{m[0, 80]}" }.join(" | ")]
  end

  def label_liquid_in_code(sm, f)
    d, kept = sm.doc(f["path"])
    return ["false", "not a document Jekyll reads (static, excluded or unread file)", ""] unless d
    return ["false", "not rendered by Jekyll (unpublished or future post)", ""] unless kept
    return ["false", "render_with_liquid: false", ""] if d.data["render_with_liquid"] == false

    snippet = f["message"][/Liquid `(.+?)` in a code/, 1]
    return ["unlabelled", "message shape not understood", ""] unless snippet

    html, err = sm.render(f["path"])
    return ["unlabelled", err, ""] unless html

    require "nokogiri"
    # Is it code? The converter's output without Liquid (kramdown for
    # Markdown, the file itself for .html) has the braces in <code>/<pre>.
    plain = sm.convert_only(f["path"])
    in_code = plain && Nokogiri::HTML5.fragment(plain).css("code, pre").map(&:text).join("\n").include?(snippet)
    all_text = Nokogiri::HTML5.fragment(html).text + html
    # {{ "{%" }} or {{ '{{' }}: Liquid's own escape, which outputs the literal text as written
    if snippet.match?(/\A\{\{-?\s*(["']).*\1\s*-?\}\}\z/m)
      return ["false", "Liquid escape idiom ({{ \"{%\" }}): renders the intended text", snippet[0, 60]]
    end
    return ["false", "braces survive rendering", snippet[0, 60]] if all_text.include?(snippet)
    return ["false", "not in a code block or span (converter output)", snippet[0, 60]] unless in_code

    # The "code block" must still be code on the published page: the words of
    # the raw code element holding the braces (Liquid and tags removed) are
    # found in one <code>/<pre> of the rendered page; a raw block of Liquid
    # and tags only must keep its count of <pre>. An indented Liquid template
    # is code only to the converter run without Liquid.
    raw_codes = Nokogiri::HTML5.fragment(plain).css("pre, code").map(&:text)
    block = raw_codes.find { |t| t.include?(snippet) }.to_s
    words = block.gsub(/\{%.*?%\}|\{\{.*?\}\}/m, " ").gsub(/<[^>]*>/, " ").scan(/[\p{L}\p{N}_]{3,}/).uniq
    rendered = Nokogiri::HTML5.fragment(html)
    still_code =
      if words.size >= 2
        rendered.css("pre, code").any? { |c| t = c.text; words.count { |w| t.include?(w) } >= words.size / 2.0 }
      else
        rendered.css("pre").size >= Nokogiri::HTML5.fragment(plain).css("pre").size
      end
    unless still_code
      return ["false", "Liquid template indented like code: no such code block on the rendered page", snippet[0, 60]]
    end

    ["true", "Jekyll renders the braces away", snippet[0, 60]]
  end

  # -------------------------------------------------------------- dates ----
  def filename_date(rel)
    File.basename(rel)[/\A(\d{2,4}-\d{1,2}-\d{1,2})-/, 1]
  end

  def label_filename_date(sm, f)
    d, = sm.doc(f["path"])
    return ["false", "not a post Jekyll reads", ""] unless d

    fn = filename_date(f["path"])
    return ["false", "no date in the file name", ""] unless fn

    y, m, dd = fn.split("-").map(&:to_i)
    jd = d.date
    if [jd.year, jd.month, jd.day] != [y, m, dd]
      ["true", "Jekyll's date differs from the file name", "#{jd.strftime('%F %T %z')} vs #{fn}"]
    else
      ["false", "same day in the site zone", "#{jd.strftime('%F %T %z')} vs #{fn}"]
    end
  end

  def label_date_claim(sm, f)
    err = sm.read_error(f["path"])
    d, kept = sm.doc(f["path"])
    msg = f["message"]
    rejected = err.is_a?(Jekyll::Errors::InvalidDateError)
    if msg =~ /fails the build|cannot read date|does not have a valid date|rejects/
      return rejected ? ["true", "Jekyll rejects the date", err.message[0, 100]] : ["false", "Jekyll reads the date", d&.date.to_s]
    end
    if msg =~ /reads it as (\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d)?)/
      want = Regexp.last_match(1)
      return ["false", "Jekyll rejects the date", err.message[0, 100]] if rejected
      return ["unlabelled", "no document", ""] unless d

      got = d.date.strftime(want.size > 10 ? "%F %T" : "%F")
      return got == want ? ["true", "Jekyll reads it so", got] : ["false", "Jekyll reads another date", "#{got} vs #{want}"]
    end
    ["unlabelled", "message shape without an oracle", ""]
  end

  def label_future(sm, f)
    d, kept = sm.doc(f["path"])
    return ["unlabelled", "no document", ""] unless d
    return ["false", "site sets future: true", ""] if sm.site.future
    if d.date > Time.now
      kept ? ["false", "Jekyll publishes it", ""] : ["true", "Jekyll skips the future post", d.date.to_s]
    else
      ["false", "Jekyll's date is not in the future", d.date.to_s]
    end
  end

  # -------------------------------------------------------- front matter ---
  def label_front_matter(sm, f)
    path = sm.abs(f["path"])
    raw = File.binread(path).force_encoding("UTF-8")
    err = sm.read_error(f["path"])
    has_fm = raw.match?(/\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m)
    case f["rule"]
    when "front-matter/yaml-syntax"
      err.is_a?(Psych::SyntaxError) ? ["true", "Psych raises a syntax error", err.message[0, 100]] : ["false", "Jekyll loads the front matter", err ? err.class.name : ""]
    when "front-matter/unterminated"
      raw.start_with?("---") && !has_fm ? ["true", "Jekyll finds no front matter", ""] : ["false", "Jekyll finds the front matter", ""]
    when "front-matter/missing", "front-matter/not-at-start"
      has_fm ? ["false", "Jekyll finds the front matter", ""] : ["true", "Jekyll finds no front matter", ""]
    when "jekyll/front-matter-unreadable"
      err ? ["true", "Jekyll cannot read it", "#{err.class}: #{err.message[0, 80]}"] : ["false", "Jekyll reads the front matter", ""]
    when "front-matter/duplicate-key"
      key = f["message"][/duplicate key '([^']+)'/, 1]
      fm = raw[/\A---\s*\n(.*?\n?)^(---|\.\.\.)\s*$/m, 1].to_s
      dup = false
      begin
        walk = lambda do |node|
          if node.is_a?(Psych::Nodes::Mapping)
            keys = node.children.each_slice(2).map { |k, _| k.respond_to?(:value) ? k.value : nil }
            dup ||= keys.count(key) > 1
          end
          node.children&.each { |c| walk.call(c) }
        end
        walk.call(Psych.parse(fm))
      rescue Psych::SyntaxError
        return ["false", "front matter does not parse", ""]
      end
      return ["false", "no duplicate key in the YAML", key.to_s] unless dup
      return ["false", "Jekyll cannot read the front matter", err.class.name] if err

      ["true", "duplicate key; Psych keeps the last", key.to_s]
    when "front-matter/filename-skipped"
      kept = sm.post?(f["path"])
      base = File.basename(f["path"])
      return ["false", "Jekyll reads it as a post", ""] if kept
      if base.match?(Jekyll::Document::DATE_FILENAME_MATCHER) && !base.start_with?(".", "_", "#") && !base.end_with?("~")
        d, = sm.doc(f["path"])
        return ["false", "skipped for another reason (unpublished/future)", ""] if d

        return ["true", "Jekyll cannot read it", (sm.read_error(f["path"])&.message).to_s[0, 80]]
      end
      ["true", "Jekyll does not read it as a post", base]
    when "io/empty-file"
      raw.strip.empty? ? ["true", "file is white space only", ""] : ["false", "file has content", ""]
    else
      ["unlabelled", "no oracle for this rule", ""]
    end
  end

  # ------------------------------------------------------------ archive ----
  def label_duplicate(sm, f)
    msg = f["message"]
    other = msg[/duplicate of (.+?):\d+ \(/, 1] || msg[/ as (.+?):\d+, but a different body/, 1]
    why = msg.start_with?("the same title") ? "same title" : msg[/\((.*)\)\z/, 1].to_s
    return ["unlabelled", "message shape not understood", ""] unless other

    d1, k1 = sm.doc(f["path"])
    d2, k2 = sm.doc(other)
    unless d1 && d2 && k1 && k2
      why_not = [[d1, k1, f["path"]], [d2, k2, other]].reject { |_, k, _| k }.map do |d, _, rel|
        if d.nil? then "#{File.basename(rel)}: Jekyll does not read it as a post"
        elsif d.data["published"] == false then "#{File.basename(rel)}: published: false"
        elsif d.date > Time.now then "#{File.basename(rel)}: future date"
        else "#{File.basename(rel)}: not kept by Jekyll"
        end
      end
      cls = why_not.any? { |w| w.include?("published: false") } ? "a post is unpublished (published: false)" : "a post Jekyll does not read (no date in the file name)"
      cls = "a post Jekyll does not publish (future)" if why_not.all? { |w| w.include?("future") }
      return ["false", cls, why_not.join("; ")]
    end

    l1 = lang_of(f["path"], d1)
    l2 = lang_of(other, d2)
    if why.include?("body")
      if (l1[0] && l2[0] && l1[0] != l2[0]) || (l1[1] && l2[1] && l1[1] != l2[1])
        return ["false", "translations (different language)", "#{l1.compact.join('/')} vs #{l2.compact.join('/')}"]
      end
    end
    if why =~ /same title/
      same_title = d1.data["title"].to_s == d2.data["title"].to_s
      same_date = d1.date.to_i == d2.date.to_i
      return ["true", "same title and date per Jekyll", ""] if same_title && same_date
      return ["false", same_title ? "dates differ per Jekyll" : "titles differ per Jekyll", "#{d1.date} vs #{d2.date}"]
    end
    if why.include?("body")
      t1 = tokens(d1.content)
      t2 = tokens(d2.content)
      return ["true", "identical body", ""] if t1 == t2

      s = jaccard(shingles(t1), shingles(t2))
      diff = ((t1 - t2) + (t2 - t1)).uniq
      numbers_only = !diff.empty? && diff.all? { |w| w.match?(/\A[\d_]+\z/) }
      if s >= 0.9
        return ["true", numbers_only ? ">= 90% similar (differs only in numbers: a template post)" : ">= 90% similar", format("%.3f", s)]
      end

      return ["false", numbers_only ? "template post: differs only in numbers/versions" : "bodies < 90% similar", format("jaccard %.3f, %d vs %d words", s, t1.size, t2.size)]
    end
    ["unlabelled", "no oracle for this match (#{why[0, 30]})", ""]
  end

  def label_singleton(sm, f)
    cat = f["message"][/category '([^']+)'/, 1]
    sug = f["message"][/did you mean '([^']+)'/, 1]
    cats = sm.site.categories
    n = cats[cat]&.size.to_i
    m = sug ? cats[sug]&.size.to_i : 0
    pair = "#{cat} -> #{sug} (#{n} / #{m})"
    return ["false", "Jekyll's category has #{n == 0 ? 'no' : 'several'} posts", pair] unless n == 1
    return ["false", "no suggestion with >= 2 posts", pair] unless sug && m >= 2

    ["true", "singleton with a near category (probable typo)", pair]
  end

  def label_collision(sm, f)
    @dests ||= begin
      h = Hash.new { |x, k| x[k] = [] }
      sm.site.posts.docs.each { |d| h[d.destination(sm.dest)] << d.path }
      sm.site.collections.each_value { |c| next if c.label == "posts" || !c.write?; c.docs.each { |d| h[d.destination(sm.dest)] << d.path } }
      sm.site.pages.each { |p| h[p.destination(sm.dest)] << File.join(sm.source, p.relative_path) }
      h
    end
    d, kept = sm.doc(f["path"])
    return ["false", "not a post Jekyll writes", ""] unless d && kept

    dest = d.destination(sm.dest)
    n = @dests[dest].size
    n > 1 ? ["true", "same destination", dest.delete_prefix(sm.dest)] : ["false", "destination is unique", dest.delete_prefix(sm.dest)]
  end

  # --------------------------------------------------------------- html ----
  # The rendered output (Liquid, then kramdown; .html posts are not
  # converted) is what browsers parse: Nokogiri's HTML5 parser (gumbo) reads
  # it, and each finding is matched to an error or event of its kind on the
  # element it names, in order (a file with more findings of one kind than
  # the engine has events gets the rest as false).
  BLOCK_IN_P = %w[address article aside blockquote details div dl fieldset figcaption figure footer form
                  h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul].freeze

  # gumbo's column: code points from 1, a tab moving to the next multiple of 8
  def at_index(line, column)
    col = 1
    line.each_char.with_index do |c, i|
      return i if col >= column

      col = c == "\t" ? ((col / 8) + 1) * 8 : col + 1
    end
    line.size
  end

  def html_events(html)
    require "nokogiri"
    lines = html.lines
    # A whole document in no-quirks mode, as the site's layouts (<!DOCTYPE
    # html>) make it: in quirks mode (a bare fragment) <table> does not close
    # an open <p>. The doctype line is line 0 of the post's output.
    doc = Nokogiri::HTML5("<!DOCTYPE html>\n#{html}", :max_errors => 100_000)
    ev = Hash.new(0)
    evl = Hash.new { |h, k| h[k] = [] } # key -> output lines, for the keys that have one
    doc.errors.each do |e0|
      line = e0.line - 1
      next if line < 1

      e = Struct.new(:message, :str1, :line, :column).new(e0.message, e0.str1, line, e0.column)
      msg = e.message.to_s
      code = e.str1.to_s
      ln = lines[e.line - 1].to_s.scrub
      idx = at_index(ln, e.column)
      at = ln[idx, 80].to_s
      before = (lines[[e.line - 3, 0].max...(e.line - 1)].to_a.join + ln[0, idx]).scrub
      open = msg.lines.first.to_s[/Currently open tags: (.*)\.\s*\z/, 1].to_s.split(", ", -1) - %w[html body]
      if code == "generic-parser"
        if at =~ %r{\A</([A-Za-z][^\s/<>]*)}
          t = Regexp.last_match(1).downcase
          ev[["end-not-allowed", t]] += 1
          evl[["end-not-allowed", t]] << e.line
          open.each { |o| ev[["open-at-end-tag", o]] += 1; evl[["open-at-end-tag", o]] << e.line }
        elsif at =~ %r{\A<([A-Za-z][^\s/<>]*)}
          ev[["start-not-allowed", Regexp.last_match(1).downcase]] += 1
          evl[["start-not-allowed", Regexp.last_match(1).downcase]] << e.line
        end
        open.each { |o| ev[["open-at-error", o]] += 1 }
      else
        ev[["tokenizer", code]] += 1
        ev[["tokenizer", "*"]] += 1
        evl[["tokenizer", "*"]] << e.line
        if code.include?("character-reference")
          ev[["charref", "*"]] += 1
          evl[["charref", "*"]] << e.line
        end
        if code == "duplicate-attribute" && (before + at[0, 1]) =~ /<([A-Za-z][^\s\/<>]*)[^<]*\z/
          ev[["dup-attr", Regexp.last_match(1).downcase]] += 1
          evl[["dup-attr", Regexp.last_match(1).downcase]] << e.line
        end
        ev[["dup-attr", "*"]] += 1 if code == "duplicate-attribute"
      end
    end
    # a <p> open when a block element starts: closed implicitly (no parse error)
    p_open = false
    starts = [0]
    html.scan(/\n/) { starts << Regexp.last_match.end(0) }
    html.scan(%r{<(/?)([A-Za-z][^\s/<>]*)}) do |slash, tag|
      t = tag.downcase
      if slash == "/"
        p_open = false if t == "p"
      elsif BLOCK_IN_P.include?(t)
        if p_open
          ev[["implicit", t]] += 1
          evl[["implicit", t]] << (starts.bsearch_index { |x| x > Regexp.last_match.begin(0) } || starts.size)
        end
        p_open = (t == "p")
      end
    end
    # an element still open at the end of the fragment
    # elements open at the end of input: the ancestors of the last node
    node = doc.at("body")
    node = node.children.last while node && node.children.any?
    while node && node.name != "body" && node.name != "html"
      ev[["open-at-eof", node.name.downcase]] += 1 if node.element?
      node = node.parent
    end
    [ev, evl]
  end

  VOID = %w[area base br col embed hr img input link meta param source track wbr].freeze

  # Start tags minus end tags per element in the rendered HTML (comments and
  # raw-text elements skipped): elements left open at the end of the output.
  def unclosed_counts(html)
    text = html.gsub(/<!--.*?-->/m, "").gsub(%r{<(script|style|textarea|title)\b.*?</\1\s*>}mi, "")
    n = Hash.new(0)
    text.scan(%r{<(/?)([A-Za-z][^\s/<>]*)(?:\s[^<>]*?)?(/?)>}) do |slash, tag, selfc|
      t = tag.downcase
      next if VOID.include?(t)

      if slash == "/" then n[t] -= 1
      elsif selfc != "/" then n[t] += 1
      end
    end
    n.select { |_, v| v.positive? }
  end

  # Gumbo names the elements it does not know "" in "Currently open tags":
  # a finding on such an element matches those.
  KNOWN = %w[a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption
             cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption
             figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend
             li link main map mark menu meta meter nav noscript object ol optgroup option output p param picture pre
             progress q rp rt ruby s samp script section select slot small source span strong style sub summary sup
             table tbody td template textarea tfoot th thead time title tr track u ul var video wbr svg math
             acronym applet basefont big blink center dir font frame frameset image isindex keygen listing marquee
             multicol nextid nobr noembed noframes plaintext rb rtc spacer strike tt xmp].to_set.freeze

  def html_key(f)
    keys = html_key0(f)
    return keys unless keys

    keys + keys.filter_map { |k, t| [k, ""] if t != "*" && t != "" && !KNOWN.include?(t) && %w[open-at-end-tag open-at-error].include?(k) }
  end

  def html_key0(f)
    m = f["message"]
    case f["rule"]
    when "html/stray-end-tag" then [["end-not-allowed", m[%r{</([^\s/<>]+)>}, 1].to_s.downcase]]
    when "html/void-end-tag" then [["end-not-allowed", m[%r{</([^\s/<>]+)>}, 1].to_s.downcase]]
    when "html/implicitly-closed" then [["implicit", m[/\A<([^\s\/<>]+)>/, 1].to_s.downcase]]
    when "html/unclosed-element"
      t = m[/<([^\s\/<>]+)> is never closed/, 1].to_s.downcase
      if m.include?("still open at the end") then [["open-at-eof", t]] # the DOM: names kept
      elsif m.include?("never closed before </") then [["open-at-end-tag", t]]
      else [["open-at-error", t]]
      end
    when "html/misnested"
      if (t = m[/\A<([^\s\/<>]+)> inside another </, 1])
        return [["start-not-allowed", t.downcase]]
      end

      inner = m[/while <([^\s\/<>]+)> inside/, 1].to_s.downcase
      [["open-at-end-tag", inner]]
    when "html/duplicate-attribute" then [["dup-attr", m[/ on <([^\s\/<>]+)>/, 1].to_s.downcase]]
    when "html/invalid-character-reference" then [["charref", "*"]]
    when "html/tokenizer-error", "html/unterminated-comment" then [["tokenizer", "*"]]
    end
  end

  # A finding that says what kramdown does with the source (a Markdown post):
  # checked against kramdown's output, where the claim is visible. nil for
  # the findings about the browser's reading.
  def kramdown_claim(f, html, raw)
    m = f["message"]
    count = ->(text, tag) { text.scan(%r{</#{Regexp.escape(tag)}\s*>}i).size }
    escaped = ->(text) { html.include?(text) || html.include?(text.sub("&gt;", ">")) }
    if m =~ /\A<([^\s<>]+)> (?:is never closed|is kept as an HTML tag|never ends for kramdown)/ &&
       m =~ /kramdown (?:closes it|reads everything after it|shows <\/|then reads)/
      tag = Regexp.last_match(1) if m =~ /\A<([^\s<>]+)>/
      tag = m[/\A<[^\s<>]+> never ends for kramdown: <([^\s<>]+)>/, 1] || tag
      return ["true", "kramdown writes the end tag itself (the author left it out)", tag] if count.(html, tag) > count.(raw, tag)
      return ["false", "no end tag written by kramdown in the output", tag]
    end
    if (t = m[%r{\A</([^\s<>]+)> is shown as text}, 1])
      return escaped.("&lt;/#{t}&gt;") ? ["true", "shown as text in the output (&lt;/...)", t] : ["false", "not shown as text in the output", t]
    end
    if (t = m[/\A<([^\s<>]+)> is shown as text/, 1])
      return html.match?(/&lt;#{Regexp.escape(t)}\b/i) ? ["true", "shown as text in the output (&lt;...)", t] : ["false", "not shown as text in the output", t]
    end
    if m.start_with?("<!-- is never closed before the end of its paragraph")
      return html.include?("&lt;!--") || html.include?("&lt;!–") ? ["true", "shown as text in the output (&lt;!--)", ""] : ["false", "no visible <!-- in the output", ""]
    end
    return ["unlabelled", "kramdown rewrites the tag: no oracle for which value it kept", ""] if m.include?("kramdown keeps only the last one")

    nil
  end

  def src_text(sm, rel)
    File.binread(sm.abs(rel)).force_encoding("UTF-8").scrub
  end

  def label_html_file(sm, rel, fs)
    html, err = sm.render(rel)
    unless html
      lab = err.to_s.start_with?("render failed") ? ["unlabelled", "render failed", err.to_s] : ["false", "not a page Jekyll renders (static, excluded or unread file)", err.to_s]
      return fs.map { |f| [f, lab] }
    end

    ev, evl = html_events(html)
    used = Hash.new(0)
    # A file the converter leaves as it is (.html): output line + the front
    # matter's lines is the source line, give or take the lines Liquid added
    # or removed (then the line's text must agree), and findings are matched
    # to the engine's events by line.
    d, = sm.doc(rel)
    body = d.content.to_s
    raw = src_text(sm, rel)
    exact = %w[.html .htm].include?(File.extname(rel).downcase)
    off = raw.lines.size - body.lines.size
    drift = (html.lines.size - body.lines.size).abs # lines Liquid added or removed
    out_lines = html.lines.map(&:strip)
    src_lines = raw.lines.map(&:strip)
    near = lambda do |l, fl|
      d = (l + off - fl).abs
      next true if d <= 2 && drift.zero?
      next false if d > drift + 2

      (-1..1).any? { |k| src_lines[fl - 1 + k] == out_lines[l - 1] && !out_lines[l - 1].to_s.empty? }
    end
    used_lines = Hash.new { |h, k| h[k] = [] }
    fs.sort_by { |f| f["line"] }.map do |f|
      kramdown = kramdown_claim(f, html, raw)
      next kramdown if kramdown

      keys = html_key(f)
      next ["unlabelled", "no oracle for this rule", ""] unless keys

      line_keys = exact ? keys.select { |kk| evl.key?(kk) && !evl[kk].empty? } : []
      unless line_keys.empty?
        hit = nil
        line_keys.each do |lk|
          # an open element is reported by the engine where it fails to close (later)
          later = lk[0].start_with?("open-at-")
          h = evl[lk].each_with_index.find do |l, i|
            next false if used_lines[lk].include?(i)

            later ? (l + off - f["line"]).between?(-2 - drift, 200 + drift) : near.call(l, f["line"])
          end
          next unless h

          used_lines[lk] << h[1]
          hit = [lk, h[0]]
          break
        end
        next ["true", "HTML5 parser agrees on the rendered output", "#{hit[0].join(' ')} at line #{hit[1] + off}"] if hit
        # elements still open at the end have no line: counted below
        unless keys.any? { |kk| kk[0] == "open-at-eof" && ev[kk] - used[kk] > 0 }
          lk = line_keys.first
          next ["false", "no such engine error at this line (.html post)", "#{lk.join(' ')}: engine at #{evl[lk].first(3).map { |l| l + off }.join(',')}"]
        end
      end
      k = keys.find { |kk| ev[kk] - used[kk] > 0 }
      if k
        used[k] += 1
        ["true", "HTML5 parser agrees on the rendered output", k.join(" ")]
      else
        tag = keys[0][1]
        why =
          if ev[keys[0]].positive? then "engine has fewer such events than findings"
          elsif tag != "*" && f["rule"] == "html/unclosed-element" &&
                html.scan(%r{</#{Regexp.escape(tag)}\s*>}i).size > src_text(sm, rel).scan(%r{</#{Regexp.escape(tag)}\s*>}i).size
            "kramdown inserts the end tag (closed at the end of its span/block)"
          elsif tag != "*" && html.match?(/&lt;\/?#{Regexp.escape(tag)}\b/i) then "tag is text in the output (&lt;: kramdown escapes it)"
          elsif tag != "*" && html.match?(/<\/?#{Regexp.escape(tag)}\b/i) then "well-formed in the rendered output (kramdown repairs it, or no error there)"
          else "not in the rendered output"
          end
        ["false", why, keys[0].join(" ")]
      end
    end.then { |labels| fs.sort_by { |f| f["line"] }.zip(labels) }
  end

  # --------------------------------------------------------------- main ----
  def label(site_dir, findings_json, name)
    sm = SiteModel.new(site_dir)
    report = JSON.parse(File.read(findings_json))
    findings = report["diagnostics"]
    out = []
    emit = lambda do |f, (lab, reason, detail)|
      out << { "site" => name, "file" => f["path"], "line" => f.dig("start", "line"), "rule" => f["rule"],
               "label" => lab, "reason" => reason.to_s, "detail" => detail.to_s.scrub, "message" => f["message"].to_s[0, 300] }
    end
    html = Hash.new { |h, k| h[k] = [] }
    findings.each do |f0|
      f = f0.merge("line" => f0.dig("start", "line"), "path" => f0["path"].to_s.delete_prefix("./"))
      r = f["rule"]
      res =
        begin
          case r
          when "jekyll/liquid-syntax" then label_liquid_syntax(sm, f)
          when "jekyll/liquid-in-code" then label_liquid_in_code(sm, f)
          when "front-matter/filename-date" then label_filename_date(sm, f)
          when "front-matter/date-format", "front-matter/date-invalid" then label_date_claim(sm, f)
          when "jekyll/future-date" then label_future(sm, f)
          when "archive/duplicate-post" then label_duplicate(sm, f)
          when "archive/singleton-category" then label_singleton(sm, f)
          when "archive/permalink-collision" then label_collision(sm, f)
          when %r{\Ahtml/(disallowed-|unterminated)} then ["unlabelled", "no oracle for this rule", ""]
          when %r{\Ahtml/} then html[f["path"]] << f; next
          when %r{\A(front-matter|io)/}, "jekyll/front-matter-unreadable" then label_front_matter(sm, f)
          else ["unlabelled", "no oracle for this rule", ""]
          end
        rescue StandardError => e
          ["unlabelled", "oracle error", "#{e.class}: #{e.message[0, 100]}"]
        end
      emit.call(f, res)
    end
    html.each do |rel, fs|
      label_html_file(sm, rel, fs).each { |f, res| emit.call(f, res) }
    rescue StandardError => e
      fs.each { |f| emit.call(f, ["unlabelled", "oracle error", "#{e.class}: #{e.message[0, 100]}"]) }
    end
    out.each { |o| puts JSON.generate(o) }
    puts JSON.generate("site_info" => sm.info.merge("site" => name, "files_checked" => report.dig("summary", "files"),
                                                    "tool" => report.dig("tool", "version")))
  end

  # ---------------------------------------------------------- summarize ----
  def summarize(out_dir)
    rows = []
    infos = []
    Dir[File.join(out_dir, "sites", "*", "labels.jsonl")].sort.each do |p|
      File.foreach(p) do |l|
        o = JSON.parse(l)
        o.key?("site_info") ? infos << o["site_info"] : rows << o
      end
    end
    File.write(File.join(out_dir, "labels.json"), JSON.pretty_generate("sites" => infos, "labels" => rows))
    File.open(File.join(out_dir, "labels.tsv"), "w") do |t|
      t.puts %w[site file line rule label reason detail].join("\t")
      rows.each { |r| t.puts [r["site"], r["file"], r["line"], r["rule"], r["label"], r["reason"], r["detail"]].map { |v| v.to_s.tr("\t\n", "  ") }.join("\t") }
    end
    table = lambda do |rs, title|
      puts title
      puts "| rule | findings | true | false | unlabelled | precision |"
      puts "| --- | ---: | ---: | ---: | ---: | ---: |"
      rs.group_by { |r| r["rule"] }.sort.each { |rule, g| puts "| #{rule} | #{counts(g)} |" }
      puts "| **total** | #{counts(rs)} |"
      puts "| **total without html/\\*** | #{counts(rs.reject { |r| r["rule"].start_with?("html/") })} |"
      puts
    end
    table.call(rows, "## All sites (#{infos.size} sites, #{infos.sum { |i| i['posts_read'].to_i }} posts read by Jekyll, " \
                     "#{infos.sum { |i| i['files_checked'].to_i }} files checked)")
    puts "## Per site"
    puts "| site | posts (Jekyll) | files checked | findings | true | false | unlabelled | precision |"
    puts "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    infos.each do |i|
      puts "| #{i['site']} | #{i['posts_read']} | #{i['files_checked']} | #{counts(rows.select { |r| r["site"] == i["site"] })} |"
    end
    puts
    puts "## Per site and rule"
    puts "| site | rule | findings | true | false | unlabelled | precision |"
    puts "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    rows.group_by { |r| [r["site"], r["rule"]] }.sort.each { |(s, rule), g| puts "| #{s} | #{rule} | #{counts(g)} |" }
    puts
    puts "## False findings by reason (top classes per rule, with examples)"
    rows.select { |r| r["label"] == "false" }.group_by { |r| r["rule"] }.sort.each do |rule, g|
      puts "#{rule}:"
      g.group_by { |r| r["reason"] }.sort_by { |_, v| -v.size }.first(5).each do |reason, v|
        ex = v.uniq { |r| r["file"] }.first(2).map { |r| "#{r['site']}/#{r['file']}:#{r['line']}" }.join(", ")
        puts "  #{v.size.to_s.rjust(5)}  #{reason}   e.g. #{ex}"
      end
    end
    puts
    puts "## Unlabelled by reason"
    rows.select { |r| r["label"] == "unlabelled" }.group_by { |r| [r["rule"], r["reason"]] }.sort_by { |_, v| -v.size }.first(12).each do |(rule, reason), v|
      puts "  #{v.size.to_s.rjust(5)}  #{rule}: #{reason}"
    end
    sing = rows.select { |r| r["rule"] == "archive/singleton-category" }
    unless sing.empty?
      puts
      puts "## archive/singleton-category pairs (for review)"
      sing.each { |r| puts "  #{r['label'].ljust(5)} #{r['site']}/#{r['file']}:#{r['line']}  #{r['detail']}" }
    end
  end

  # The table cells "findings | true | false | unlabelled | precision" of a group of labels.
  def counts(group)
    t = group.count { |r| r["label"] == "true" }
    f = group.count { |r| r["label"] == "false" }
    precision = t + f > 0 ? format("%.3f", t.to_f / (t + f)) : "n/a"
    [group.size, t, f, group.size - t - f, precision].join(" | ")
  end
end

case ARGV[0]
when "label"
  abort "usage: corpus-oracle.rb label SITE_DIR FINDINGS.json NAME" unless ARGV.size == 4
  CorpusOracle.label(ARGV[1], ARGV[2], ARGV[3])
when "summarize"
  abort "usage: corpus-oracle.rb summarize OUT_DIR" unless ARGV.size == 2
  CorpusOracle.summarize(ARGV[1])
else
  abort "usage: corpus-oracle.rb label SITE_DIR FINDINGS.json NAME | summarize OUT_DIR"
end
