"""Reading a BPMN file: safe XML parsing, encodings, namespace prefixes.

XML is parsed with defusedxml: DTD entities and external references are
refused. The parser honours the file's declared encoding (ISO-8859-1 models
exist). BPMN files use any namespace prefix (`bpmn:`, `bpmn2:`, `semantic:`
or none), so elements and attributes are matched by their local name.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from journeyaudit.common.bounded_read import open_input, read_at_most


class BpmnImportError(Exception):
    """Bad input: the message is one line that names the file."""


def local_name(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# a name or condition longer than this is cut there: a journey title of megabytes would make a file that no longer
# validates (its size cap), and no drawn model comes near (the longest name in the shared models has 86 characters)
MAX_TEXT = 1000


def clean_text(text: str | None) -> str:
    """Whitespace collapsed to single spaces; cut at MAX_TEXT characters (`…`)."""
    cleaned = " ".join((text or "")[: MAX_TEXT * 8].split())  # the slice bounds the work on a huge attribute
    return cleaned if len(cleaned) <= MAX_TEXT else cleaned[: MAX_TEXT - 1].rstrip() + "…"


def attr_by_local_name(element: Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


MAX_MODEL_BYTES = 100 * 1024 * 1024


def parse_xml(path: Path) -> Element:
    """The root element, parsed safely; BpmnImportError for anything unreadable."""
    try:
        with open_input(path) as handle:  # at most the limit: a model is never gigabytes (/dev/zero)
            data = read_at_most(handle, MAX_MODEL_BYTES)
    except FileNotFoundError:
        raise BpmnImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BpmnImportError(f"{path}: is a directory, not a BPMN file") from None
    except OSError as exc:
        raise BpmnImportError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_MODEL_BYTES:
        raise BpmnImportError(f"{path}: larger than {MAX_MODEL_BYTES >> 20} MiB: is it really a BPMN model?")
    parser = SafeElementTree.DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        expat = getattr(parser, "parser", None)  # where the declaration is, as for XML syntax errors
        where = f"{path}:{expat.CurrentLineNumber}:{expat.CurrentColumnNumber + 1}" if expat is not None else f"{path}"
        raise BpmnImportError(
            f"{where}: refused: the XML declares entities or external references "
            f"({type(exc).__name__}); BPMN files never need them, and they can be an attack"
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = re.sub(r":? line \d+, column \d+", "", str(exc)).strip() or "syntax error"
        raise BpmnImportError(f"{path}:{line}:{column + 1}: not well-formed XML: {reason}") from None
    except (ValueError, LookupError) as exc:  # an encoding name Python does not know, text that does not match it
        raise BpmnImportError(f"{path}: cannot decode the XML: {exc}") from None
    if local_name(root.tag) != "definitions":
        raise BpmnImportError(
            f"{path}: not a BPMN 2.0 model: the root element is <{local_name(root.tag)}>, expected <definitions>"
        )
    return root
