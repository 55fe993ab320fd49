"""Values as people read them, in English, French or Korean: dates at the precision the graph
holds, numbers with the language's separators, statistics as a phrase ("more than 26,000
people"), and the few words of the pages themselves.

Hand-written rather than taken from a locale library: three languages, a dozen words, and the
output must not depend on the machine's locale settings (the static site is byte-identical).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ko": "한국어"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "site": "Canada–Korea relations",
        "home": "Home",
        "timeline": "Timeline",
        "ontology": "Ontology",
        "sparql": "SPARQL",
        "search": "Search",
        "search_label": "Search the labels",
        "types": "Type",
        "names": "Names",
        "properties": "Properties",
        "sources": "Sources",
        "stated_by": "Stated by",
        "inferred": "inferred",
        "incoming": "Links to this page",
        "result_one": "{count} result for “{query}”.",
        "results_range": "{first}–{last} shown.",
        "previous": "Previous",
        "next": "Next",
        "all_classes": "All classes",
        "by_class": "By class",
        "intro": "A knowledge graph of the relations between Canada and Korea: the Korean War "
        "and its legacy, defence, trade, diplomacy, people-to-people ties and the sanctions on "
        "North Korea. Every fact cites the section of the source document that states it, "
        "and every page is in English, French and Korean.",
        "ways_in": "Ways in",
        "size_human": "Size",
        "parts_of_total": "Parts of the total",
        "not_broken_down": "not broken down",
        "inverse_of": "inverse of “{label}”",
        "links_out": "Elsewhere",
        "bibtex": "BibTeX",
        "start": "Start",
        "value": "Value",
        "formats": "This description as",
        "dataset": "Dataset",
        "size": "{triples} triples about {subjects} subjects, in {classes} classes.",
        "classes": "Classes",
        "instances": "Resources",
        "examples": "Examples",
        "queries": "Questions in SPARQL",
        "run": "run",
        "query_text": "query",
        "dumps": "Downloads",
        "file": "File",
        "media_type": "Media type",
        "bytes": "Bytes",
        "licence": "Licence",
        "licence_text": "The data is published under {licence}.",
        "cite": "How to cite",
        "documents": "Source documents",
        "results": "{count} results for “{query}”.",
        "no_results": "Nothing found for “{query}”.",
        "yes": "yes",
        "no": "no",
        "date": "Date",
        "end": "End",
        "label": "Label",
        "comment": "Comment",
        "domain": "Domain",
        "range": "Range",
        "superclasses": "Subclass of",
        "subclasses": "Subclasses",
        "superproperties": "Subproperty of",
        "shapes": "Constrained by the shapes",
        "uses": "Triples using it",
        "object_properties": "Object properties",
        "datatype_properties": "Datatype properties",
        "values": "Controlled values",
        "documentation": "Documentation of this term",
        "query_form": "Ask a SPARQL query",
        "query_help": "The prefixes ck:, ckr:, rdfs:, skos:, dcterms: and the others of the "
        "project are predeclared. Updates and SERVICE are refused.",
        "answer": "Answer",
        "shown_rows": "The first {shown} of {rows} rows are shown; ask for CSV or JSON to get "
        "them all.",
        "shown_characters": "The first {shown} of {total} characters are shown; ask for Turtle "
        "or N-Triples to get them all.",
        "cut": "… ({more} more characters)",
        "resources": "Resources",
        "terms": "Ontology terms",
        "error": "Error",
        "languages": "Language",
        "version": "Version",
        "download": "Download",
        "iri": "IRI",
        "changes": "Changes",
        "changes_in": "Changes in {version}",
        "changes_since": "Changes since {version}, not yet released",
        "changes_summary": "Compared with {version} ({date}): {added} statements added, "
        "{removed} removed and {changed} changed ({values} of value, {sources} of source), "
        "in {resources} resources.",
        "no_changes": "No differences.",
        "added": "added",
        "removed": "removed",
        "changed": "changed",
        "moved": "moved",
        "default_graph": "default graph",
        "show": "Show",
        "time_axis_help": "Each line sits on the time axis at its date, drawn at the precision "
        "the sources give: a year or a month as the whole period, a day as a dot, a range from "
        "its start to its end.",
        "as_table": "As a table",
        "map": "Map",
        "map_intro": "The places the documents name, at coordinates taken from GeoNames. Each "
        "point links to the place's page.",
        "map_overview": "Canada, Korea and the North Pacific",
        "map_korea": "Korean Peninsula",
        "map_north_america": "Eastern North America",
        "placed": "Places on the map",
        "unplaced": "Not on the map",
        "unplaced_help": "Regions, zones and sites the data gives no coordinates for.",
        "place": "Place",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "coordinates_source": "Coordinates from",
        "figures_compared": "These figures side by side",
        "answer_chart": "The answer as a chart",
        "answer_map": "The answer on a map",
        "citation": "canada-korea: {title}, version {version}, {iri}",
        "citation_unversioned": "canada-korea: {title}, {iri}",
        "citation_title": "a knowledge graph of Canada–Korea relations",
        "lang_en": "English",
        "lang_fr": "French",
        "lang_ko": "Korean",
        "status_400": "The request could not be understood.",
        "status_404": "Nothing is published at {path}.",
        "status_405": "This address does not answer that method.",
        "status_406": "This address has nothing in the format asked for.",
        "status_413": "The request is too large.",
        "status_414": "The address is too long.",
        "status_415": "This address does not read the request's format.",
        "status_429": "Too many requests: try again shortly.",
        "status_500": "Something went wrong on the server.",
        "status_503": "The server is too busy to answer now: try again shortly.",
        "status_504": "The answer took too long.",
        "status_other": "The request could not be answered.",
        "rows": "{count} rows",
        "row_one": "{count} row",
        "triples": "{count} triples",
        "triple_one": "{count} triple",
        "took": "{seconds} s",
        "answer_as": "This answer as",
        "permalink": "Link to this query",
        "copy_link": "Copy",
        "copied": "Copied",
        "prefixes": "Predeclared prefixes",
        "run_keys": "Ctrl+Enter runs the query.",
    },
    "fr": {
        "site": "Relations Canada–Corée",
        "home": "Accueil",
        "timeline": "Chronologie",
        "ontology": "Ontologie",
        "sparql": "SPARQL",
        "search": "Rechercher",
        "search_label": "Rechercher dans les libellés",
        "types": "Type",
        "names": "Noms",
        "properties": "Propriétés",
        "sources": "Sources",
        "stated_by": "Énoncé par",
        "inferred": "déduit",
        "incoming": "Liens vers cette page",
        "result_one": "{count} résultat pour « {query} ».",
        "results_range": "{first} à {last} affichés.",
        "previous": "Précédents",
        "next": "Suivants",
        "all_classes": "Toutes les classes",
        "by_class": "Par classe",
        "intro": "Un graphe de connaissances sur les relations entre le Canada et la Corée : la "
        "guerre de Corée et son héritage, la défense, le commerce, la diplomatie, les liens entre "
        "les peuples et les sanctions visant la Corée du Nord. Chaque fait cite la section du "
        "document source qui l'énonce, et chaque page existe en anglais, en "
        "français et en coréen.",
        "ways_in": "Points d'entrée",
        "size_human": "Taille",
        "parts_of_total": "Parties du total",
        "not_broken_down": "non ventilé",
        "inverse_of": "inverse de « {label} »",
        "links_out": "Ailleurs",
        "bibtex": "BibTeX",
        "start": "Début",
        "value": "Valeur",
        "formats": "Cette description en",
        "dataset": "Jeu de données",
        "size": "{triples} triplets sur {subjects} sujets, en {classes} classes.",
        "classes": "Classes",
        "instances": "Ressources",
        "examples": "Exemples",
        "queries": "Questions en SPARQL",
        "run": "exécuter",
        "query_text": "requête",
        "dumps": "Téléchargements",
        "file": "Fichier",
        "media_type": "Type de média",
        "bytes": "Octets",
        "licence": "Licence",
        "licence_text": "Les données sont publiées sous {licence}.",
        "cite": "Comment citer",
        "documents": "Documents sources",
        "results": "{count} résultats pour « {query} ».",
        "no_results": "Aucun résultat pour « {query} ».",
        "yes": "oui",
        "no": "non",
        "date": "Date",
        "end": "Fin",
        "label": "Libellé",
        "comment": "Commentaire",
        "domain": "Domaine",
        "range": "Portée",
        "superclasses": "Sous-classe de",
        "subclasses": "Sous-classes",
        "superproperties": "Sous-propriété de",
        "shapes": "Contraint par les formes",
        "uses": "Triplets qui l'emploient",
        "object_properties": "Propriétés d'objet",
        "datatype_properties": "Propriétés de données",
        "values": "Valeurs contrôlées",
        "documentation": "Documentation de ce terme",
        "query_form": "Poser une requête SPARQL",
        "query_help": "Les préfixes ck:, ckr:, rdfs:, skos:, dcterms: et les autres du projet "
        "sont prédéclarés. Les mises à jour et SERVICE sont refusés.",
        "answer": "Réponse",
        "shown_rows": "Les {shown} premières lignes sur {rows} sont montrées ; demandez du CSV "
        "ou du JSON pour les avoir toutes.",
        "shown_characters": "Les {shown} premiers caractères sur {total} sont montrés ; "
        "demandez du Turtle ou du N-Triples pour les avoir tous.",
        "cut": "… ({more} caractères de plus)",
        "resources": "Ressources",
        "terms": "Termes de l'ontologie",
        "error": "Erreur",
        "languages": "Langue",
        "version": "Version",
        "download": "Télécharger",
        "iri": "IRI",
        "changes": "Modifications",
        "changes_in": "Modifications de la version {version}",
        "changes_since": "Modifications depuis la version {version}, pas encore publiées",
        "changes_summary": "Par rapport à la version {version} ({date}) : {added} énoncés "
        "ajoutés, {removed} retirés et {changed} modifiés ({values} de valeur, {sources} de "
        "source), dans {resources} ressources.",
        "no_changes": "Aucune différence.",
        "added": "ajouté",
        "removed": "retiré",
        "changed": "modifié",
        "moved": "déplacé",
        "default_graph": "graphe par défaut",
        "show": "Afficher",
        "time_axis_help": "Chaque ligne est placée sur l'axe du temps à sa date, à la précision "
        "que donnent les sources : une année ou un mois comme toute la période, un jour comme un "
        "point, un intervalle de son début à sa fin.",
        "as_table": "Sous forme de tableau",
        "map": "Carte",
        "map_intro": "Les lieux que nomment les documents, aux coordonnées tirées de GeoNames. "
        "Chaque point mène à la page du lieu.",
        "map_overview": "Le Canada, la Corée et le Pacifique Nord",
        "map_korea": "Péninsule coréenne",
        "map_north_america": "Est de l'Amérique du Nord",
        "placed": "Lieux sur la carte",
        "unplaced": "Absents de la carte",
        "unplaced_help": "Régions, zones et sites pour lesquels les données ne donnent aucune "
        "coordonnée.",
        "place": "Lieu",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "coordinates_source": "Coordonnées tirées de",
        "figures_compared": "Ces chiffres côte à côte",
        "answer_chart": "La réponse en graphique",
        "answer_map": "La réponse sur une carte",
        "citation": "canada-korea : {title}, version {version}, {iri}",
        "citation_unversioned": "canada-korea : {title}, {iri}",
        "citation_title": "un graphe de connaissances sur les relations Canada–Corée",
        "lang_en": "anglais",
        "lang_fr": "français",
        "lang_ko": "coréen",
        "status_400": "La requête n'a pas pu être comprise.",
        "status_404": "Rien n'est publié à l'adresse {path}.",
        "status_405": "Cette adresse ne répond pas à cette méthode.",
        "status_406": "Cette adresse n'a rien dans le format demandé.",
        "status_413": "La requête est trop volumineuse.",
        "status_414": "L'adresse est trop longue.",
        "status_415": "Cette adresse ne lit pas le format de la requête.",
        "status_429": "Trop de requêtes : réessayez dans un instant.",
        "status_500": "Une erreur s'est produite sur le serveur.",
        "status_503": "Le serveur est trop occupé pour répondre : réessayez dans un instant.",
        "status_504": "La réponse a pris trop de temps.",
        "status_other": "La requête n'a pas pu aboutir.",
        "rows": "{count} lignes",
        "row_one": "{count} ligne",
        "triples": "{count} triplets",
        "triple_one": "{count} triplet",
        "took": "{seconds} s",
        "answer_as": "Cette réponse en",
        "permalink": "Lien vers cette requête",
        "copy_link": "Copier",
        "copied": "Copié",
        "prefixes": "Préfixes prédéclarés",
        "run_keys": "Ctrl+Entrée exécute la requête.",
    },
    "ko": {
        "site": "캐나다–한국 관계",
        "home": "홈",
        "timeline": "연표",
        "ontology": "온톨로지",
        "sparql": "SPARQL",
        "search": "검색",
        "search_label": "레이블 검색",
        "types": "유형",
        "names": "이름",
        "properties": "속성",
        "sources": "출처",
        "stated_by": "출처",
        "inferred": "추론",
        "incoming": "이 페이지를 가리키는 링크",
        "result_one": "“{query}” 검색 결과 {count}건.",
        "results_range": "{first}–{last}번째 표시.",
        "previous": "이전",
        "next": "다음",
        "all_classes": "모든 클래스",
        "by_class": "클래스별",
        "intro": "캐나다와 한국의 관계에 관한 지식 그래프입니다. 한국전쟁과 그 유산, 국방, 무역, "
        "외교, 인적 교류, 북한 제재를 다룹니다. 모든 사실은 그것을 기술한 출처 문서의 절을 "
        "인용하며, 모든 페이지를 영어, 프랑스어, 한국어로 볼 수 있습니다.",
        "ways_in": "둘러보기",
        "size_human": "크기",
        "parts_of_total": "전체 합계의 구성",
        "not_broken_down": "세부 내역 없음",
        "inverse_of": "“{label}”의 역방향",
        "links_out": "외부 링크",
        "bibtex": "BibTeX",
        "start": "시작",
        "value": "값",
        "formats": "이 설명의 다른 형식",
        "dataset": "데이터셋",
        "size": "{subjects}개 주어에 대한 트리플 {triples}개, 클래스 {classes}개.",
        "classes": "클래스",
        "instances": "자원",
        "examples": "예시",
        "queries": "SPARQL 질의",
        "run": "실행",
        "query_text": "질의",
        "dumps": "다운로드",
        "file": "파일",
        "media_type": "미디어 유형",
        "bytes": "바이트",
        "licence": "라이선스",
        "licence_text": "데이터는 {licence} 라이선스로 공개됩니다.",
        "cite": "인용 방법",
        "documents": "출처 문서",
        "results": "“{query}” 검색 결과 {count}건.",
        "no_results": "“{query}”에 대한 결과가 없습니다.",
        "yes": "예",
        "no": "아니요",
        "date": "날짜",
        "end": "종료",
        "label": "레이블",
        "comment": "설명",
        "domain": "도메인",
        "range": "범위",
        "superclasses": "상위 클래스",
        "subclasses": "하위 클래스",
        "superproperties": "상위 속성",
        "shapes": "제약하는 SHACL 셰이프",
        "uses": "사용하는 트리플",
        "object_properties": "객체 속성",
        "datatype_properties": "데이터 속성",
        "values": "통제 값",
        "documentation": "이 용어의 문서",
        "query_form": "SPARQL 질의하기",
        "query_help": "ck:, ckr:, rdfs:, skos:, dcterms: 등 프로젝트의 접두사는 미리 선언되어 "
        "있습니다. 갱신과 SERVICE는 거부됩니다.",
        "answer": "답",
        "shown_rows": "{rows}행 중 처음 {shown}행만 표시합니다. 전체는 CSV나 JSON으로 요청하세요.",
        "shown_characters": "{total}자 중 처음 {shown}자만 표시합니다. 전체는 Turtle이나 "
        "N-Triples로 요청하세요.",
        "cut": "… ({more}자 더 있음)",
        "resources": "자원",
        "terms": "온톨로지 용어",
        "error": "오류",
        "languages": "언어",
        "version": "버전",
        "download": "다운로드",
        "iri": "IRI",
        "changes": "변경 사항",
        "changes_in": "{version} 변경 사항",
        "changes_since": "{version} 이후 변경 사항(미출시)",
        "changes_summary": "{version}({date}) 대비: 문장 {added}개 추가, {removed}개 삭제, "
        "{changed}개 변경(값 {values}개, 출처 {sources}개), 자원 {resources}개.",
        "no_changes": "차이가 없습니다.",
        "added": "추가",
        "removed": "삭제",
        "changed": "변경",
        "moved": "이동",
        "default_graph": "기본 그래프",
        "show": "표시",
        "time_axis_help": "각 줄은 출처가 밝힌 정밀도대로 시간 축의 해당 날짜에 놓입니다. 연도나 "
        "월은 그 기간 전체로, 날짜는 점으로, 기간은 시작부터 끝까지 그립니다.",
        "as_table": "표로 보기",
        "map": "지도",
        "map_intro": "문서에 나오는 장소를 지오네임즈에서 가져온 좌표에 표시했습니다. "
        "각 점을 누르면 해당 장소의 페이지로 이동합니다.",
        "map_overview": "캐나다, 한국과 북태평양",
        "map_korea": "한반도",
        "map_north_america": "북아메리카 동부",
        "placed": "지도에 표시된 장소",
        "unplaced": "지도에 없는 장소",
        "unplaced_help": "데이터에 좌표가 없는 지역, 구역, 장소입니다.",
        "place": "장소",
        "latitude": "위도",
        "longitude": "경도",
        "coordinates_source": "좌표 출처",
        "figures_compared": "수치 비교",
        "answer_chart": "답을 차트로",
        "answer_map": "답을 지도로",
        "citation": "canada-korea: {title}, 버전 {version}, {iri}",
        "citation_unversioned": "canada-korea: {title}, {iri}",
        "citation_title": "캐나다–한국 관계 지식 그래프",
        "lang_en": "영어",
        "lang_fr": "프랑스어",
        "lang_ko": "한국어",
        "status_400": "요청을 이해할 수 없습니다.",
        "status_404": "{path}에 게시된 항목이 없습니다.",
        "status_405": "이 주소는 해당 메서드에 응답하지 않습니다.",
        "status_406": "이 주소에는 요청한 형식의 자료가 없습니다.",
        "status_413": "요청이 너무 큽니다.",
        "status_414": "주소가 너무 깁니다.",
        "status_415": "이 주소는 요청의 형식을 읽지 못합니다.",
        "status_429": "요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
        "status_500": "서버에서 오류가 발생했습니다.",
        "status_503": "서버가 바빠 지금은 응답할 수 없습니다. 잠시 후 다시 시도하세요.",
        "status_504": "응답 시간이 너무 오래 걸렸습니다.",
        "status_other": "요청에 응답할 수 없습니다.",
        "rows": "{count}행",
        "row_one": "{count}행",
        "triples": "트리플 {count}개",
        "triple_one": "트리플 {count}개",
        "took": "{seconds}초",
        "answer_as": "이 답의 다른 형식",
        "permalink": "이 질의의 링크",
        "copy_link": "복사",
        "copied": "복사됨",
        "prefixes": "미리 선언된 접두사",
        "run_keys": "Ctrl+Enter를 누르면 질의를 실행합니다.",
    },
}

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
XSD = "http://www.w3.org/2001/XMLSchema#"
WELL_KNOWN_LABELS: dict[str, dict[str, str]] = {
    _SKOS + "Concept": {"en": "concept", "fr": "concept", "ko": "개념"},
    _SKOS + "altLabel": {"en": "also known as", "fr": "autre nom", "ko": "다른 이름"},
    _SKOS + "editorialNote": {"en": "editorial note", "fr": "note éditoriale", "ko": "편집 주석"},
    _DCTERMS + "title": {"en": "title", "fr": "titre", "ko": "제목"},
    _DCTERMS + "publisher": {"en": "publisher", "fr": "éditeur", "ko": "발행처"},
    _DCTERMS + "language": {"en": "language", "fr": "langue", "ko": "언어"},
    _DCTERMS + "isPartOf": {"en": "part of", "fr": "fait partie de", "ko": "소속"},
    _DCTERMS + "license": {"en": "licence", "fr": "licence", "ko": "라이선스"},
    _DCTERMS + "creator": {"en": "creator", "fr": "créateur", "ko": "작성자"},
    _DCTERMS + "created": {"en": "created", "fr": "créé", "ko": "작성일"},
    _DCTERMS + "modified": {"en": "modified", "fr": "modifié", "ko": "수정일"},
    _RDFS + "comment": {"en": "comment", "fr": "commentaire", "ko": "설명"},
    _RDFS + "isDefinedBy": {"en": "defined by", "fr": "défini par", "ko": "정의한 곳"},
    _RDFS + "subClassOf": {"en": "subclass of", "fr": "sous-classe de", "ko": "상위 클래스"},
    _RDFS + "subPropertyOf": {"en": "subproperty of", "fr": "sous-propriété de", "ko": "상위 속성"},
    _RDFS + "domain": {"en": "domain", "fr": "domaine", "ko": "도메인"},
    _RDFS + "range": {"en": "range", "fr": "portée", "ko": "범위"},
    _OWL + "sameAs": {"en": "same as", "fr": "identique à", "ko": "동일 항목"},
    _SKOS + "exactMatch": {"en": "exact match", "fr": "correspondance exacte", "ko": "정확히 일치"},
    _SKOS + "closeMatch": {"en": "close match", "fr": "correspondance proche", "ko": "근접 일치"},
    _OWL + "Class": {"en": "class", "fr": "classe", "ko": "클래스"},
    _OWL + "ObjectProperty": {
        "en": "object property",
        "fr": "propriété d'objet",
        "ko": "객체 속성",
    },
    _OWL + "DatatypeProperty": {
        "en": "datatype property",
        "fr": "propriété de données",
        "ko": "데이터 속성",
    },
    _OWL + "Ontology": {"en": "ontology", "fr": "ontologie", "ko": "온톨로지"},
    _OWL + "NamedIndividual": {"en": "individual", "fr": "individu", "ko": "개체"},
    _SKOS + "ConceptScheme": {
        "en": "concept scheme",
        "fr": "schéma de concepts",
        "ko": "개념 체계",
    },
    "http://www.w3.org/ns/prov#wasDerivedFrom": {
        "en": "derived from",
        "fr": "dérivé de",
        "ko": "도출 근거",
    },
    "http://www.w3.org/ns/org#linkedTo": {"en": "linked to", "fr": "lié à", "ko": "연결 조직"},
    _OWL + "versionInfo": {"en": "version", "fr": "version", "ko": "버전"},
    "http://www.w3.org/2003/01/geo/wgs84_pos#lat": {
        "en": "latitude",
        "fr": "latitude",
        "ko": "위도",
    },
    "http://www.w3.org/2003/01/geo/wgs84_pos#long": {
        "en": "longitude",
        "fr": "longitude",
        "ko": "경도",
    },
    **{
        XSD + name: {"en": en, "fr": fr, "ko": ko}
        for name, en, fr, ko in (
            ("integer", "integer", "entier", "정수"),
            ("nonNegativeInteger", "whole number from 0", "entier naturel", "0 이상의 정수"),
            ("decimal", "decimal number", "nombre décimal", "십진수"),
            ("string", "text", "texte", "문자열"),
            ("boolean", "yes or no", "oui ou non", "예/아니요"),
            ("date", "date", "date", "날짜"),
            ("dateTime", "date and time", "date et heure", "날짜와 시각"),
            ("gYear", "year", "année", "연도"),
            ("gYearMonth", "month of a year", "mois d'une année", "연월"),
            ("gMonthDay", "day of a month", "jour d'un mois", "월일"),
            ("gMonth", "month", "mois", "월"),
            ("gDay", "day of the month", "jour du mois", "일"),
            ("anyURI", "web address", "adresse web", "웹 주소"),
        )
    },
    _DCTERMS + "date": {"en": "date", "fr": "date", "ko": "날짜"},
    _DCTERMS + "issued": {"en": "issued", "fr": "publié le", "ko": "발행일"},
    _DCTERMS + "description": {"en": "description", "fr": "description", "ko": "설명"},
    _DCTERMS + "source": {"en": "source", "fr": "source", "ko": "출처"},
    _RDFS + "label": {"en": "label", "fr": "libellé", "ko": "레이블"},
    _RDF + "type": {"en": "type", "fr": "type", "ko": "유형"},
    _GEO + "lat": {"en": "latitude", "fr": "latitude", "ko": "위도"},
    _GEO + "long": {"en": "longitude", "fr": "longitude", "ko": "경도"},
    "http://www.w3.org/ns/prov#startedAtTime": {
        "en": "started at",
        "fr": "commencé le",
        "ko": "시작 시각",
    },
    "https://schema.org/telephone": {"en": "telephone", "fr": "téléphone", "ko": "전화"},
    "https://schema.org/faxNumber": {"en": "fax", "fr": "télécopieur", "ko": "팩스"},
    _RDF + "langString": {
        "en": "text in a language",
        "fr": "texte dans une langue",
        "ko": "언어가 표시된 문자열",
    },
    _OWL + "versionIRI": {"en": "version IRI", "fr": "IRI de version", "ko": "버전 IRI"},
    "http://www.w3.org/ns/org#subOrganizationOf": {
        "en": "part of the organisation",
        "fr": "fait partie de l'organisation",
        "ko": "상위 조직",
    },
}
"""Names for the terms of other vocabularies the pages show as properties, and for the
datatypes shown as ranges: the graph labels only its own terms, and a reader should not meet
``xsd:integer`` where "integer" (정수) says it. Terms the ontology only aligns with (an
``owl:equivalentClass`` such as ``schema:Person``) keep their CURIE: the identifier is what
such a row is for."""

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}

_DATE = re.compile(r"(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")
_NUMBER = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?")

# Units as a phrase around the number: (singular, plural) where {n} is the number.
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "person": {
        "en": ("{n} person", "{n} people"),
        "fr": ("{n} personne", "{n} personnes"),
        "ko": ("{n}명", "{n}명"),
    },
    "item": {
        "en": ("{n} item", "{n} items"),
        "fr": ("{n} élément", "{n} éléments"),
        "ko": ("{n}개", "{n}개"),
    },
    "kilometre": {"en": ("{n} km", "{n} km"), "fr": ("{n} km", "{n} km"), "ko": ("{n}km", "{n}km")},
    "percent": {"en": ("{n}%", "{n}%"), "fr": ("{n}\u00a0%", "{n}\u00a0%"), "ko": ("{n}%", "{n}%")},
    "year": {
        "en": ("{n} year", "{n} years"),
        "fr": ("{n} an", "{n} ans"),
        "ko": ("{n}년", "{n}년"),
    },
    "rank": {
        "en": ("rank {n}", "rank {n}"),
        "fr": ("rang {n}", "rang {n}"),
        "ko": ("{n}위", "{n}위"),
    },
}
# Scales by language, (singular, plural); Korean writes the whole amount instead.
SCALES: dict[str, dict[str, tuple[str, str]]] = {
    "million": {"en": ("million", "million"), "fr": ("million", "millions")},
    "billion": {"en": ("billion", "billion"), "fr": ("milliard", "milliards")},
    "trillion": {"en": ("trillion", "trillion"), "fr": ("billion", "billions")},
}
# Currencies by name where a language's readers do not read the ISO code; English and French
# keep the code the source prints (CAD reads naturally in both).
CURRENCY_NAMES: dict[str, dict[str, str]] = {
    "CAD": {"ko": "캐나다 달러"},
    "USD": {"ko": "미국 달러"},
    "KRW": {"ko": "원"},
}
# Korean counts large amounts in groups of four digits: 만 (10⁴), 억 (10⁸), 조 (10¹²).
KOREAN_MYRIADS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))
# Qualifiers as a phrase around the amount, for the languages the ontology has no label in.
QUALIFIERS = {
    "moreThan": {"en": "more than {a}", "fr": "plus de {a}", "ko": "{a} 이상"},
    "upTo": {"en": "up to {a}", "fr": "jusqu'à {a}", "ko": "최대 {a}"},
    "approximately": {"en": "approximately {a}", "fr": "environ {a}", "ko": "약 {a}"},
}


def format_number(lexical: str, lang: str) -> str:
    """A decimal or integer lexical form with the language's separators, keeping the digits
    written (``21.87`` stays two decimals): ``26,000`` in English, ``26 000`` in French."""
    match = _NUMBER.fullmatch(lexical.strip())
    if match is None or not (match.group(2) or match.group(3)):
        return lexical
    sign, whole, fraction = match.group(1), match.group(2) or "0", match.group(3)
    group = "\u202f" if lang == "fr" else ","
    point = "," if lang == "fr" else "."
    whole = whole.lstrip("0") or "0"
    grouped = ""
    while len(whole) > 3:
        grouped = group + whole[-3:] + grouped
        whole = whole[:-3]
    text = ("-" if sign == "-" else "") + whole + grouped
    return text + (point + fraction if fraction else "")


def format_date(lexical: str, datatype: str, lang: str) -> str:
    """An ``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date`` or ``xsd:gMonthDay`` at exactly its
    precision: ``1950``, ``September 2022``, ``27 July 1953``, ``11 November`` (and their
    French and Korean forms)."""
    if datatype == XSD + "gMonthDay":
        return _month_day(lexical, lang)
    match = _DATE.match(lexical)
    if match is None or datatype not in (XSD + "gYear", XSD + "gYearMonth", XSD + "date"):
        return lexical
    year, month, day = match.group(1), match.group(2), match.group(3)
    if datatype == XSD + "gYear" or month is None:
        return f"{year}년" if lang == "ko" else year
    if lang == "ko":
        text = f"{year}년 {int(month)}월"
        return text + (f" {int(day)}일" if datatype == XSD + "date" and day else "")
    month_name = MONTHS.get(lang, MONTHS["en"])[int(month) - 1]
    if datatype == XSD + "gYearMonth" or day is None:
        return f"{month_name} {year}"
    day_text = "1er" if lang == "fr" and int(day) == 1 else str(int(day))
    return f"{day_text} {month_name} {year}"


def _month_day(lexical: str, lang: str) -> str:
    match = re.fullmatch(r"--(\d\d)-(\d\d)", lexical[:7])
    if match is None:
        return lexical
    month, day = int(match.group(1)), int(match.group(2))
    if lang == "ko":
        return f"{month}월 {day}일"
    day_text = "1er" if lang == "fr" and day == 1 else str(day)
    return f"{day_text} {MONTHS.get(lang, MONTHS['en'])[month - 1]}"


def is_date(datatype: str) -> bool:
    return datatype in (XSD + "gYear", XSD + "gYearMonth", XSD + "date", XSD + "gMonthDay")


def is_number(datatype: str) -> bool:
    return datatype in (XSD + "integer", XSD + "decimal", XSD + "nonNegativeInteger")


def format_statistic(
    value: str,
    lang: str,
    *,
    unit: str | None = None,
    currency: str | None = None,
    scale: str | None = None,
    factor: str | None = None,
    qualifier: str | None = None,
) -> tuple[str, str | None]:
    """A statistic as a phrase, and the whole amount when a scale multiplies it.

    ``unit``, ``scale`` and ``qualifier`` are the local names of the controlled values
    (``person``, ``billion``, ``moreThan``): ``("more than 26,000 people", None)``,
    ``("21.87 billion CAD", "21,870,000,000 CAD")``. Korean gives the whole amount in the phrase,
    counted in myriads and with the currency named: ``218억 7,000만 캐나다 달러``.
    """
    number = format_number(value, lang)
    whole = None
    product: Decimal | None = None
    if scale and factor:
        try:
            product = Decimal(value) * Decimal(factor)
        except InvalidOperation:
            product = None
        if product is not None:
            whole = format_number(_plain(product), lang)
    plural = _is_plural(value)
    if product is not None and lang == "ko":
        amount = korean_amount(product)
    elif scale:
        words = SCALES.get(scale, {}).get(lang) or SCALES.get(scale, {}).get("en") or (scale,) * 2
        amount = f"{number} {words[1] if plural else words[0]}"
    else:
        amount = number
    if currency:
        name = CURRENCY_NAMES.get(currency, {}).get(lang, currency)
        amount = f"{amount} {name}"
        whole = f"{whole} {currency}" if whole else None
    elif unit in UNITS:
        forms = UNITS[unit].get(lang, UNITS[unit]["en"])
        amount = (forms[1] if plural else forms[0]).format(n=amount)
    if qualifier in QUALIFIERS:
        amount = QUALIFIERS[qualifier][lang if lang in QUALIFIERS[qualifier] else "en"].format(
            a=amount
        )
    return amount, (None if lang == "ko" else whole)


def korean_amount(number: Decimal) -> str:
    """A whole amount as Korean writes it, in myriads: 21,870,000,000 is ``218억 7,000만``
    (not 21,870,000,000, which a Korean reader has to count in threes first). An amount with a
    fraction, or under 10,000, keeps the plain digits."""
    if number != number.to_integral_value() or abs(number) < 10**4:
        return format_number(_plain(number), "ko")
    rest, parts = abs(int(number)), []
    for size, name in KOREAN_MYRIADS:
        if rest >= size:
            parts.append(format_number(str(rest // size), "ko") + name)
            rest %= size
    if rest:
        parts.append(format_number(str(rest), "ko"))
    return ("-" if number < 0 else "") + " ".join(parts)


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing fractional zeros: ``21870000000``, ``1.5``."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_plural(value: str) -> bool:
    try:
        return abs(Decimal(value)) != 1
    except InvalidOperation:
        return True


_CK = "https://w3id.org/canada-korea/def/"
INVERSE_LABELS: dict[str, dict[str, str]] = {
    _CK + "partOf": {"en": "has part", "fr": "comprend", "ko": "하위 항목"},
    _DCTERMS + "isPartOf": {"en": "has part", "fr": "comprend", "ko": "하위 항목"},
    _CK + "partOfTotal": {"en": "broken down into", "fr": "ventilé en", "ko": "세부 내역"},
    _CK + "participant": {"en": "participated in", "fr": "a participé à", "ko": "참가한 사건"},
    _CK + "country": {"en": "country of", "fr": "pays de", "ko": "해당 국가인 항목"},
    _CK + "about": {"en": "subject of", "fr": "sujet de", "ko": "다룬 항목"},
    _CK + "topic": {"en": "topic of", "fr": "thème de", "ko": "주제로 다룬 항목"},
    _CK + "provision": {"en": "provision of", "fr": "disposition de", "ko": "조항이 속한 문서"},
    _CK + "measure": {"en": "measured by", "fr": "mesuré par", "ko": "측정한 통계"},
    _CK + "location": {"en": "location of", "fr": "lieu de", "ko": "이곳에서 열린 항목"},
    _CK + "unit": {"en": "unit of", "fr": "unité de", "ko": "이 단위를 쓰는 통계"},
    _CK + "party": {"en": "party to", "fr": "partie à", "ko": "당사자인 항목"},
    _CK + "between": {"en": "party to", "fr": "partie à", "ko": "당사자인 항목"},
    _CK + "adoptedBy": {"en": "adopted", "fr": "a adopté", "ko": "채택한 항목"},
    _CK + "holder": {"en": "held", "fr": "a occupé", "ko": "재임 기록"},
    _CK + "post": {"en": "tenure of", "fr": "mandat de", "ko": "재임 기록"},
    _CK + "postIn": {"en": "has post", "fr": "a pour poste", "ko": "소속 직위"},
    _CK + "memberOf": {"en": "has member", "fr": "a pour membre", "ko": "회원"},
    _CK + "foundingMemberOf": {
        "en": "founding member",
        "fr": "membre fondateur",
        "ko": "창립 회원",
    },
    "http://www.w3.org/ns/org#subOrganizationOf": {
        "en": "has sub-organisation",
        "fr": "a pour sous-organisation",
        "ko": "하위 조직",
    },
    _CK + "statedIn": {"en": "states", "fr": "énonce", "ko": "기술한 항목"},
    _RDFS + "isDefinedBy": {"en": "defines", "fr": "définit", "ko": "정의하는 용어"},
    _RDFS + "subClassOf": {"en": "superclass of", "fr": "superclasse de", "ko": "하위 클래스"},
    _RDFS + "subPropertyOf": {
        "en": "superproperty of",
        "fr": "superpropriété de",
        "ko": "하위 속성",
    },
    _RDFS + "domain": {"en": "domain of", "fr": "domaine de", "ko": "도메인으로 삼는 속성"},
    _RDFS + "range": {"en": "range of", "fr": "portée de", "ko": "범위로 삼는 속성"},
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": {
        "en": "has instance",
        "fr": "a pour instance",
        "ko": "인스턴스",
    },
    "http://www.w3.org/ns/prov#wasDerivedFrom": {
        "en": "source of",
        "fr": "source de",
        "ko": "이것에서 도출된 항목",
    },
}
"""How a property reads from its object's page: "part of" seen from the whole is "has part".
A property not listed reads as "inverse of “…”" (:data:`MESSAGES` ``inverse_of``)."""


def inverse_label(iri: str, label: str, lang: str) -> str:
    """The name of property ``iri`` (labelled ``label``) as read from the object's end."""
    known = INVERSE_LABELS.get(iri)
    if known:
        return known[lang]
    return MESSAGES[lang]["inverse_of"].format(label=label)


@lru_cache(maxsize=1 << 16)
def collation_key(text: str, lang: str) -> tuple[str, str]:
    """A sort key that orders ``text`` as a reader of ``lang`` expects: accents and case are
    ignored first (French puts "à propos de" with the a's and "échelle" with the e's, not after
    "z"), then break ties. Hangul syllables decompose into jamo in syllable order, so Korean
    sorts in dictionary order; Latin letters sort before Hangul in every language."""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold(), text


def plural_message(lang: str, key: str, count: int) -> str:
    """The message ``key`` (a plural such as ``results``) for ``count`` things: its singular
    ``result_one`` where the language's grammar asks for one (English: 1; French: 0 and 1;
    Korean has no plural, so both forms read the same)."""
    messages = MESSAGES[lang]
    singular = count == 1 or (lang == "fr" and count == 0)
    return messages[key.removesuffix("s") + "_one"] if singular else messages[key]


_SIZE_UNITS = {
    "en": ("bytes", "kB", "MB", "GB"),
    "fr": ("octets", "ko", "Mo", "Go"),
    "ko": ("바이트", "KB", "MB", "GB"),
}


def format_size(size: int, lang: str) -> str:
    """A byte count as people read it, in powers of 1000 with one decimal: ``2.4 MB``,
    ``2,4 Mo``; under a kilobyte, the exact count."""
    units = _SIZE_UNITS[lang]
    if size < 1000:
        return f"{format_number(str(size), lang)}\u00a0{units[0]}"
    amount, power = Decimal(size), 0
    while amount >= 1000 and power < len(units) - 1:
        amount /= 1000
        power += 1
    rounded = _plain(amount.quantize(Decimal("0.1")))
    return f"{format_number(rounded, lang)}\u00a0{units[power]}"


def status_sentence(lang: str, status: int, path: str) -> str:
    """What an HTTP error means, in ``lang``, for the error page a French or Korean reader
    gets: the server's own detail is written in English for the people who run it (and for
    the plain-text answer), so the page says the same thing in the reader's words instead."""
    messages = MESSAGES[lang]
    return messages.get(f"status_{status}", messages["status_other"]).format(path=path)
