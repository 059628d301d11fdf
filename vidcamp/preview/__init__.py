"""The campaign preview: one static HTML page (and optional PNG contact sheets) to review
every variant, its post text, schedule, probe and ledger state before anything goes out.

    from vidcamp.preview.page import build_preview

Jinja2 and the contact sheet's ffmpeg run are loaded only by the modules that use them.
"""
