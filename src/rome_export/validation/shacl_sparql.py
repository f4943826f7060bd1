"""The SHACL shapes of ``ontology/shapes.ttl`` checked as SPARQL queries on pyoxigraph.

pySHACL is the reference for the shapes' meaning, but at scale it is the slowest stage of
all (rdflib graph plus Python evaluation: ~20 s of CPU and 0.7 GB at 1,000 sheets, and
it grows from there). This module reads the same shapes file and compiles each
constraint into one SPARQL ``SELECT`` over an embedded pyoxigraph store, so the two
cannot drift apart: a constraint component it does not know is refused
(:class:`UnsupportedShape`) rather than skipped, and the tests run both engines on the
same graphs, broken ones included, and compare their results.

Supported (the SHACL Core subset the shapes use): ``targetClass``; on node shapes
``nodeKind``, ``class``, ``pattern``, ``or`` of ``minCount`` property shapes, ``property``;
on property shapes paths (IRI, inverse, alternative, sequence, zero-or-more, one-or-more,
zero-or-one) with ``minCount``, ``maxCount``, ``datatype``, ``nodeKind``, ``class``,
``pattern``, ``in``, ``min/maxInclusive``, ``min/maxExclusive``, ``uniqueLang``,
``languageIn``, ``qualifiedValueShape`` + ``qualifiedMinCount``. Issues have the codes,
paths and wording of :mod:`rome_export.validation.shacl`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
)

from rome_export.validation.report import Issue, Severity
from rome_export.validation.shacl import SH, _code, _compact
from rome_export.validation.skos import store_of

if TYPE_CHECKING:
    from rome_export.model import Referential
    from rome_export.sources import Loaded

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

# Checks of the lexical form for the datatypes a referential uses (SHACL: ill-formed
# literals do not conform to sh:datatype); other datatypes are checked by IRI only.
LEXICAL = {
    f"{XSD}integer": r"^[+-]?[0-9]+$",
    f"{XSD}date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
NODE_KINDS = {
    "IRI": "isIRI(?v)",
    "BlankNode": "isBlank(?v)",
    "Literal": "isLiteral(?v)",
    "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))",
    "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}
# Parameters that carry no constraint of their own, or are read with another one.
PASSIVE = {"path", "name", "description", "message", "severity", "order", "group",
           "targetClass", "property", "qualifiedMinCount", "deactivated"}
# Default messages where a shape gives none (pySHACL's own wording differs).
DEFAULTS = {
    "minCount": "fewer values than the minimum ({})",
    "maxCount": "more values than the maximum ({})",
    "datatype": "a value is not a well-formed {}",
    "nodeKind": "a value is not of node kind {}",
    "class": "a value is not an instance of {}",
    "pattern": "a value does not match {}",
    "in": "a value is not one of the allowed values",
    "minInclusive": "a value is below {}",
    "maxInclusive": "a value is above {}",
    "minExclusive": "a value is not above {}",
    "maxExclusive": "a value is not below {}",
    "uniqueLang": "more than one value in one language",
    "languageIn": "a value is not in the allowed languages",
    "qualifiedValueShape": "too few values conform to the qualified shape",
    "or": "conforms to none of the alternatives",
}


COMPONENTS = {
    name: f"{name[0].upper()}{name[1:]}ConstraintComponent" for name in DEFAULTS
} | {"qualifiedValueShape": "QualifiedMinCountConstraintComponent"}
"""Parameter → the SHACL constraint component pySHACL names in its results."""


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this engine does not compile (use pySHACL)."""


def sh(name: str) -> NamedNode:
    return NamedNode(SH + name)


def term(t: Any) -> str:
    """A term in SPARQL syntax."""
    if isinstance(t, NamedNode):
        return f"<{t.value}>"
    if isinstance(t, Literal):
        text = _string(t.value)
        if t.language:
            return f"{text}@{t.language}"
        return f"{text}^^<{t.datatype.value}>"
    raise UnsupportedShape(f"a blank node where a constant is expected: {t}")


def _string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped.replace(chr(13), chr(92) + "r")}"'


@dataclass
class Constraint:
    """One constraint of a shape: the component name and its parameter value(s)."""

    component: str
    values: list[Any]
    shape: Any  # the node or property shape it belongs to
    path: str | None  # SPARQL path; None for node-level constraints
    path_iri: str | None  # the path's IRI when it is a plain predicate
    messages: list[str] = field(default_factory=list)
    severity: Severity = Severity.ERROR


class Shapes:
    """The shapes graph, read into constraints and their SPARQL queries."""

    def __init__(self, shapes: Store) -> None:
        self.g = shapes
        self.constraints: list[tuple[list[str], Constraint]] = []
        # The constraints of one shape and path, checked together by one cheap query first.
        self.groups: list[tuple[list[str], list[Constraint]]] = []
        # SHACL instances include those of subclasses; without rdfs:subClassOf triples in
        # the data graph plain rdf:type is the same and much cheaper (set per data graph).
        self.type_path = "rdf:type/rdfs:subClassOf*"
        node_shapes = sorted(
            {q.subject for q in shapes.quads_for_pattern(None, sh("targetClass"), None)},
            key=str,
        )
        for shape in node_shapes:
            targets = sorted(o.value for o in self.objects(shape, "targetClass"))
            self._node_shape(shape, targets)

    # ------------------------------------------------------------------ reading

    def objects(self, s: Any, p: str) -> list[Any]:
        return [q.object for q in self.g.quads_for_pattern(s, sh(p), None)]

    def one(self, s: Any, p: str) -> Any:
        values = self.objects(s, p)
        return values[0] if values else None

    def items(self, head: Any) -> list[Any]:
        out = []
        while head != NamedNode(RDF + "nil"):
            first = [q.object for q in self.g.quads_for_pattern(head, NamedNode(RDF + "first"),
                                                                 None)]
            rest = [q.object for q in self.g.quads_for_pattern(head, NamedNode(RDF + "rest"),
                                                                None)]
            if len(first) != 1 or len(rest) != 1:
                raise UnsupportedShape(f"malformed RDF list at {head}")
            out.append(first[0])
            head = rest[0]
        return out

    def params(self, shape: Any) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for q in self.g.quads_for_pattern(shape, None, None):
            if q.predicate.value.startswith(SH):
                out.setdefault(q.predicate.value[len(SH):], []).append(q.object)
        return out

    def path(self, node: Any) -> str:
        if isinstance(node, NamedNode):
            return f"<{node.value}>"
        p = self.params(node)
        if "inversePath" in p:
            return f"^{self.path(p['inversePath'][0])}"
        for name, op in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"),
                         ("zeroOrOnePath", "?")):
            if name in p:
                return f"({self.path(p[name][0])}){op}"
        if "alternativePath" in p:
            return "(" + "|".join(self.path(i) for i in self.items(p["alternativePath"][0])) + ")"
        if list(self.g.quads_for_pattern(node, NamedNode(RDF + "first"), None)):
            return "(" + "/".join(self.path(i) for i in self.items(node)) + ")"
        raise UnsupportedShape(f"unsupported path {node}")

    # -------------------------------------------------------------- compiling

    def _node_shape(self, shape: Any, targets: list[str]) -> None:
        params = self.params(shape)
        self._constraints(shape, params, targets, None, None)
        for prop in params.get("property", []):
            p = self.params(prop)
            path_node = p["path"][0]
            path_iri = path_node.value if isinstance(path_node, NamedNode) else None
            self._constraints(prop, p, targets, self.path(path_node), path_iri)

    def _constraints(self, shape: Any, params: dict[str, list[Any]], targets: list[str],
                     path: str | None, path_iri: str | None) -> None:
        start = len(self.constraints)
        self._compile(shape, params, targets, path, path_iri)
        group = [c for _, c in self.constraints[start:]]
        if group:
            self.groups.append((targets, group))

    def _compile(self, shape: Any, params: dict[str, list[Any]], targets: list[str],
                 path: str | None, path_iri: str | None) -> None:
        messages = sorted(m.value for m in params.get("message", []))
        severity = Severity.ERROR
        if params.get("severity", [sh("Violation")])[0] != sh("Violation"):
            severity = Severity.WARNING
        for name, values in sorted(params.items()):
            if name in PASSIVE:
                continue
            if name not in DEFAULTS:
                raise UnsupportedShape(f"sh:{name} (in {shape}) is not supported")
            if name == "qualifiedValueShape" and "qualifiedMinCount" not in params:
                raise UnsupportedShape("sh:qualifiedValueShape without sh:qualifiedMinCount")
            values = [*values, *params.get("qualifiedMinCount", [])] \
                if name == "qualifiedValueShape" else values
            for value in (values if name in ("class",) else [values]):
                c = Constraint(name, value if isinstance(value, list) else [value], shape, path,
                               path_iri, messages, severity)
                self.constraints.append((targets, c))

    def value_test(self, c: Constraint) -> str:
        """A SPARQL expression true when ``?v`` satisfies a value-type constraint."""
        v = c.values[0]
        name = c.component
        if name == "datatype":
            if v.value == RDF + "langString":
                return 'isLiteral(?v) && lang(?v) != ""'
            test = f"isLiteral(?v) && datatype(?v) = <{v.value}>"
            if v.value in LEXICAL:
                test += f" && REGEX(STR(?v), {_string(LEXICAL[v.value])})"
            return test
        if name == "nodeKind":
            return NODE_KINDS[v.value[len(SH):]]
        if name == "class":
            return f"EXISTS {{ ?v {self.type_path} <{v.value}> }}"
        if name == "pattern":
            return f"!isBlank(?v) && REGEX(STR(?v), {_string(v.value)})"
        if name == "in":
            return "(" + " || ".join(f"sameTerm(?v, {term(t)})" for t in self.items(v)) + ")"
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">",
                  "maxExclusive": "<"}[name]
            return f"COALESCE(?v {op} {term(v)}, false)"
        if name == "languageIn":
            langs = " || ".join(f"langMatches(lang(?v), {_string(t.value)})"
                                for t in self.items(v))
            return f"isLiteral(?v) && ({langs})"
        raise UnsupportedShape(f"sh:{name} is not a value constraint")

    def query(self, focus: str, c: Constraint) -> str:
        """The query whose solutions (``?f``, maybe ``?v``) are the violations of ``c``."""
        name, p = c.component, c.path
        if name in ("minCount", "maxCount"):
            n = int(c.values[0].value)
            if name == "minCount" and n == 1:
                # OPTIONAL, not NOT EXISTS: pyoxigraph evaluates a NOT EXISTS with a `*` path
                # from every node of the graph
                return f"SELECT ?f WHERE {{ {focus} OPTIONAL {{ ?f {p} ?v }} FILTER(!BOUND(?v)) }}"
            inner = f"{{ ?f {p} ?v }}" if name == "maxCount" else f"OPTIONAL {{ ?f {p} ?v }}"
            op = ">" if name == "maxCount" else "<"
            return (f"SELECT ?f WHERE {{ {{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE "
                    f"{{ {focus} {inner} }} GROUP BY ?f }} FILTER(?n {op} {n}) }}")
        if name == "uniqueLang":
            if c.values[0].value != "true":
                return ""
            return (f"SELECT DISTINCT ?f WHERE {{ {focus} ?f {p} ?a . ?f {p} ?b . "
                    'FILTER(isLiteral(?a) && lang(?a) != "" && LCASE(lang(?a)) = '
                    "LCASE(lang(?b)) && !sameTerm(?a, ?b)) }")
        if name == "qualifiedValueShape":
            shape, n = c.values[0], int(c.values[1].value)
            sub = self.params(shape)
            tests = []
            for sub_name, sub_values in sorted(sub.items()):
                if sub_name in PASSIVE:
                    continue
                tests.append(self.value_test(Constraint(sub_name, sub_values, shape, None, None)))
            ok = " && ".join(f"({t})" for t in tests) or "true"
            return (f"SELECT ?f WHERE {{ {{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE "
                    f"{{ {focus} OPTIONAL {{ ?f {p} ?v FILTER({ok}) }} }} GROUP BY ?f }} "
                    f"FILTER(?n < {n}) }}")
        if name == "or":
            alternatives = []
            for member in self.items(c.values[0]):
                m = self.params(member)
                if set(m) - {"path", "minCount"} or m.get("minCount", [None])[0] is None:
                    raise UnsupportedShape("sh:or members other than minCount property shapes")
                if int(m["minCount"][0].value) != 1:
                    raise UnsupportedShape("sh:or members with a minCount other than 1")
                alternatives.append(f"EXISTS {{ ?f {self.path(m['path'][0])} ?x }}")
            return (f"SELECT ?f (?f AS ?v) WHERE {{ {focus} "
                    f"FILTER(!({' || '.join(alternatives)})) }}")
        test = self.value_test(c)
        values = f"?f {p} ?v ." if p is not None else "BIND(?f AS ?v)"
        return f"SELECT DISTINCT ?f ?v WHERE {{ {focus} {values} FILTER(!({test})) }}"


    def precheck(self, focus: str, group: list[Constraint]) -> str | None:
        """An ASK that is false when no constraint of ``group`` can be violated, or None.

        One pass over the focus nodes for every count and value constraint of one path,
        instead of one query each: on valid data that is all that runs.
        """
        tests, low, high, p = [], 0, None, group[0].path
        for c in group:
            if c.component in VALUE_COMPONENTS:
                tests.append(f"({self.value_test(c)})")
            elif c.component == "minCount":
                low = max(low, int(c.values[0].value))
            elif c.component == "maxCount":
                n = int(c.values[0].value)
                high = n if high is None else min(high, n)
        if not tests and not low and high is None:
            return None
        ok = " && ".join(tests) or "true"
        if p is None:
            return f"ASK {{ {focus} BIND(?f AS ?v) FILTER(!({ok})) }}"
        if not low and high is None:
            return f"ASK {{ {focus} ?f {p} ?v FILTER(!({ok})) }}"
        counts = [f"?n < {low}"] if low else []
        counts += [f"?n > {high}"] if high is not None else []
        return (f"ASK {{ {{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) "
                f"(SUM(IF(BOUND(?v) && !({ok}), 1, 0)) AS ?bad) WHERE {{ {focus} "
                f"OPTIONAL {{ ?f {p} ?v }} }} GROUP BY ?f }} "
                f"FILTER({' || '.join([*counts, '?bad > 0'])}) }}")


VALUE_COMPONENTS = {"datatype", "nodeKind", "class", "pattern", "in", "minInclusive",
                    "maxInclusive", "minExclusive", "maxExclusive", "languageIn"}
PRECHECKED = VALUE_COMPONENTS | {"minCount", "maxCount"}


def _focus(targets: list[str], subclasses: bool) -> str:
    type_path = "rdf:type/rdfs:subClassOf*" if subclasses else "rdf:type"
    parts = [f"{{ ?f {type_path} <{t}> }}" for t in targets]
    return " UNION ".join(parts) + " ."


_SHAPES: Shapes | None = None


def shapes() -> Shapes:
    """The compiled shapes of the package (read once)."""
    global _SHAPES
    if _SHAPES is None:
        from rome_export.resources import read_bytes

        store = Store()
        store.load(read_bytes("ontology", "shapes.ttl"), RdfFormat.TURTLE)
        _SHAPES = Shapes(store)
    return _SHAPES


def _issues(store: Store, compiled: Shapes) -> Iterator[Issue]:
    subclasses = store.query("ASK { ?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b }")
    compiled.type_path = "rdf:type/rdfs:subClassOf*" if subclasses else "rdf:type"
    for targets, group in compiled.groups:
        focus = _focus(targets, bool(subclasses))
        ask = compiled.precheck(focus, group)
        suspect = ask is None or bool(store.query(PREFIXES + ask))
        for c in group:
            if c.component in PRECHECKED and not suspect:
                continue
            yield from _violations(store, compiled, focus, c)


def _violations(store: Store, compiled: Shapes, focus: str, c: Constraint) -> Iterator[Issue]:
    q = compiled.query(focus, c)
    if not q:
        return
    solutions = store.query(PREFIXES + q)
    assert isinstance(solutions, QuerySolutions)
    for solution in solutions:
        node = solution["f"]
        value = solution["v"] if "v" in q.split("WHERE", 1)[0] else None
        where = f"<{node.value}>" if not isinstance(node, BlankNode) else str(node)
        if c.path_iri is not None:
            where += f" {_compact(c.path_iri)}"
        shown = c.values[0].value if c.values and hasattr(c.values[0], "value") else ""
        text = c.messages[0] if c.messages else DEFAULTS[c.component].format(
            _compact(shown) if shown.startswith(("http:", "https:")) else shown)
        if value is not None:
            text += (f' (value: "{value.value}")' if isinstance(value, Literal)
                     else f" (value: {_compact(value.value)})")
        yield Issue(_code(SH + COMPONENTS.get(c.component, c.component)), c.severity,
                    f"{where}: {text}", path=node.value)


def check_shapes(data: Store | Iterable[Triple | Quad]) -> list[Issue]:
    """Validate a graph (a pyoxigraph store or triples) against the shapes."""
    issues = set(_issues(store_of(data), shapes()))
    return sorted(issues, key=lambda i: (i.path or "", i.code, i.message))


def check_referential(referential: Referential, base: str | None = None) -> list[Issue]:
    from rome_export.serialisers.triples import triples

    return check_shapes(triples(referential, base))


def check(loaded: Loaded) -> list[Issue]:
    """Layer 4 for ``validate``, like :func:`rome_export.validation.shacl.check`."""
    from rome_export.validation.skos import on_export

    return on_export(loaded, check_shapes)
