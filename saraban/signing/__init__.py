"""Signing (PAdES with pyHanko): certificates, signing and validation.

Empty for now: issue "Executives e-sign" fills it. It must never sign a classified letter.
"""
