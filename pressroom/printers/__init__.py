"""Printer profiles (model: bleed, PDF/X flavour, output intent, ink limit, covers, spines) and
colour for a printer (separation with BPC and ink limit, soft proof)."""

from pressroom.printers.model import Printer, UnknownPrinter, get_printer, printers

__all__ = ["Printer", "UnknownPrinter", "get_printer", "printers"]
