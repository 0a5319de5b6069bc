-- Full-text search: hunspell dictionary morphology (lemmas: хлопка -> хлопок, платьем -> платье)
-- combined with snowball stemming (running -> run). A dictionary chain stops at the first
-- dictionary that knows a word, so the two are kept as two configurations and both are indexed.
-- The .affix/.dict files are installed into the server's tsearch_data before migrations run.

CREATE TEXT SEARCH DICTIONARY bazaar_ru_ispell (
  TEMPLATE = ispell, DictFile = bazaar_ru, AffFile = bazaar_ru, StopWords = russian
);
CREATE TEXT SEARCH DICTIONARY bazaar_en_ispell (
  TEMPLATE = ispell, DictFile = bazaar_en, AffFile = bazaar_en, StopWords = english
);
CREATE TEXT SEARCH DICTIONARY bazaar_ru_stem (TEMPLATE = snowball, Language = russian, StopWords = russian);
CREATE TEXT SEARCH DICTIONARY bazaar_en_stem (TEMPLATE = snowball, Language = english, StopWords = english);

CREATE TEXT SEARCH CONFIGURATION bazaar_lemma (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION bazaar_lemma
  ALTER MAPPING FOR word, hword, hword_part WITH bazaar_ru_ispell, simple;
ALTER TEXT SEARCH CONFIGURATION bazaar_lemma
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH bazaar_en_ispell, simple;

CREATE TEXT SEARCH CONFIGURATION bazaar_stem (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION bazaar_stem
  ALTER MAPPING FOR word, hword, hword_part WITH bazaar_ru_stem;
ALTER TEXT SEARCH CONFIGURATION bazaar_stem
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH bazaar_en_stem;

-- Both analyses of one text, as one vector.
CREATE FUNCTION bazaar_document(body text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('bazaar_lemma', coalesce(body, '')), weight)
      || setweight(to_tsvector('bazaar_stem', coalesce(body, '')), weight)
$$;

CREATE AGGREGATE bazaar_tsquery_and(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

-- Each word of the query matches by its lemma OR by its stem; all words must match.
CREATE FUNCTION bazaar_search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT bazaar_tsquery_and(plainto_tsquery('bazaar_lemma', w) || plainto_tsquery('bazaar_stem', w))
  FROM regexp_split_to_table(lower(q), '[^[:alnum:]]+') AS w
  WHERE w <> ''
$$;

ALTER TABLE products ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
     bazaar_document(name, 'A')
  || bazaar_document(category, 'B')
  || bazaar_document(description, 'C')
  || setweight(jsonb_to_tsvector('bazaar_lemma', attributes, '["string", "numeric", "boolean"]'), 'D')
  || setweight(jsonb_to_tsvector('bazaar_stem', attributes, '["string", "numeric", "boolean"]'), 'D')
) STORED;
CREATE INDEX products_search_idx ON products USING gin (search_document) WHERE deleted_at IS NULL;
