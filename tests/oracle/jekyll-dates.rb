#!/usr/bin/env ruby
# frozen_string_literal: true
#
# The oracle for archive-lint's Jekyll date reading (src/jekyll_date.cpp).
# Reads JSON lines on stdin, {"yaml": "date: ...", "tz": "Asia/Shanghai" | null},
# and runs each through Jekyll 4.3.1's own code path for a post's front-matter
# date: Jekyll::Utils.safe_load_yaml (Debian's Jekyll: Psych.safe_load with
# Date and Time permitted), then what Document#merge_date! does,
# Jekyll::Utils.parse_date(data["date"].to_s), with ENV["TZ"] set as
# Jekyll.set_timezone sets it from the site's `timezone:` (null: the test's
# stand-in for "no timezone", UTC). Prints one JSON line per input:
#   {"epoch": S, "nsec": N, "local": "Y-m-d H:M:S", "offset": O, "class": "Time"}
#                 the moment read, its wall clock in the site's zone, O the
#                 UTC offset Time.parse gave it (before .localtime), and the
#                 class the YAML load made of the value (Time, Date, String...)
#   {"rejected": "message"}  Jekyll::Errors::InvalidDateError (the build fails)
#   {"absent": true}         no `date` key after the YAML load
#   {"read_error": "..."}    the front matter does not load (Psych raised); Jekyll logs
#                            "could not read file" and reads the post without it
require "json"
require "jekyll"

$stdout.sync = true
STDIN.each_line do |line|
  input = JSON.parse(line)
  ENV["TZ"] = input["tz"] || "UTC"
  # parse_date caches by input string, and the cached Time depends on TZ.
  Jekyll::Utils.instance_variable_set(:@parse_date_cache, nil)
  out =
    begin
      data = Jekyll::Utils.safe_load_yaml(input["yaml"])
      if !data.is_a?(Hash) || !data.key?("date")
        { "absent" => true }
      else
        value = data["date"]
        t = Jekyll::Utils.parse_date(value.to_s, "Document does not have a valid date in the YAML front matter.")
        { "epoch" => t.to_i, "nsec" => t.nsec, "local" => t.strftime("%Y-%m-%d %H:%M:%S"),
          "offset" => Time.parse(value.to_s).utc_offset, "class" => value.class.name }
      end
    rescue Jekyll::Errors::InvalidDateError => e
      { "rejected" => e.message }
    rescue StandardError => e
      # Document#read's handle_read_error: logged, the post read without its front matter.
      { "read_error" => "#{e.class}: #{e.message}" }
    end
  puts JSON.generate(out)
end
