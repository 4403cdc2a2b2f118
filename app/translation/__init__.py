"""Offline machine translation (Argos Translate packs on CTranslate2), language
identification, glossary protection and translation memory. Qt-free, and never
touches the network: see :mod:`app.translation.offline`."""
