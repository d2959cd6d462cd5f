"""Vendors behind small classes: llm, speech_to_text, text_to_speech. Chosen by config."""
