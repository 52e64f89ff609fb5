Liquid::Template.register_tag(:render_time, Tag)
Liquid::Template.register_tag "quote_box", Box
register_tag('
