#!/usr/bin/env ruby
# frozen_string_literal: true
# The oracle for src/liquid.cpp: does Liquid 5.4, with Jekyll 4.3's tags and
# settings, refuse to parse a post body? Reads JSON lines {"id":..,"text":..}
# on stdin and prints one JSON line per snippet:
#   {"id":..,"raises":true|false,"class":"Liquid::SyntaxError","message":".."}
# Only parsing is asked (Liquid::Template.parse); nothing is rendered, and no
# site is read: Jekyll is required for its tags and its `liquid.error_mode`
# default ("warn"), which Jekyll::LiquidRenderer sets the same way.
require "json"
require "jekyll"

Liquid::Template.error_mode = Jekyll::Configuration::DEFAULTS["liquid"]["error_mode"].to_sym
$stdout.sync = true
$stdin.each_line do |line|
  input = JSON.parse(line)
  text = input["text"].dup.force_encoding(Encoding::UTF_8)
  result = { "id" => input["id"], "raises" => false }
  begin
    Liquid::Template.parse(text, :line_numbers => true)
  rescue Exception => e # rubocop:disable Lint/RescueException
    # highlight raises ::SyntaxError (a ScriptError), not Liquid::SyntaxError
    raise if e.is_a?(Interrupt) || e.is_a?(SystemExit)
    result["raises"] = true
    result["class"] = e.class.name
    result["message"] = e.message.to_s.scrub
  end
  puts JSON.generate(result)
end
