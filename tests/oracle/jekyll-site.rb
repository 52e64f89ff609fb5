#!/usr/bin/env ruby
# frozen_string_literal: true

# tests/oracle/jekyll-site.rb SITE
#
# How Jekyll 4.3 reads a site's posts, without rendering or writing anything:
# one JSON line per post (path, URL, destination under the destination
# directory, date in the site's zone, categories, tags), sorted by path, then
# one line {"plugin_tags": [...]} with the Liquid tags the site's _plugins
# register. tests/oracle_test.cpp compares this with archive-lint's reading.
#
# Without `timezone:` Jekyll reads dates in the build machine's zone; this
# script pins that zone to UTC, as GitHub Pages builds.
require "json"
require "tmpdir"

ENV["TZ"] = "UTC"
require "jekyll"

abort "usage: jekyll-site.rb SITE" unless ARGV.size == 1
source = File.expand_path(ARGV[0])
Jekyll.logger.log_level = :error

built_in_tags = Liquid::Template.tags.to_h.keys
Dir.mktmpdir("jekyll-oracle") do |dest|
  config = Jekyll.configuration("source" => source, "destination" => dest, "quiet" => true)
  site = Jekyll::Site.new(config) # requires _plugins (Site#setup)
  site.reset
  site.read
  site.posts.docs.sort_by(&:relative_path).each do |doc|
    puts JSON.generate(
      "path"        => doc.relative_path,
      "url"         => doc.url,
      "destination" => doc.destination(dest).delete_prefix("#{dest}/"),
      "date"        => doc.date.strftime("%Y-%m-%d %H:%M:%S %z"),
      "categories"  => doc.data["categories"],
      "tags"        => doc.data["tags"]
    )
  end
  puts JSON.generate("plugin_tags" => (Liquid::Template.tags.to_h.keys - built_in_tags).sort)
end
