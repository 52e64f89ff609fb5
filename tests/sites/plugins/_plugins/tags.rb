module Fixture
  class Youtube < Liquid::Tag
    def render(_context) = "video"
  end

  class Note < Liquid::Block
    def render(context) = "<aside>#{super}</aside>"
  end
end

Liquid::Template.register_tag("youtube", Fixture::Youtube)
Liquid::Template.register_tag 'note', Fixture::Note
Liquid::Template.register_tag(:gist_embed, Fixture::Youtube)
