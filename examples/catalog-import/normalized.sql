-- A shop's catalog as another system keeps it: products, categories and properties in tables of
-- their own, joined by ids; prices as decimal roubles. Read by normalized.yaml. A few rows break
-- Bazaar's rules on purpose: `bazaar import` refuses them, with the reason, and loads the rest.
CREATE TABLE categories (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE items (
  id          integer PRIMARY KEY,
  code        text,
  title       text,
  body        text,
  category_id integer REFERENCES categories (id),
  price_rub   text,      -- a decimal amount in roubles
  qty         integer
);
CREATE TABLE properties (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE item_properties (
  item_id     integer REFERENCES items (id),
  property_id integer REFERENCES properties (id),
  value       text,
  PRIMARY KEY (item_id, property_id)
);

INSERT INTO categories VALUES (1, 'Сумки'), (2, 'Обувь'), (3, 'Books');
INSERT INTO properties VALUES (1, 'colour'), (2, 'material'), (3, 'size');

INSERT INTO items VALUES
  (1, 'BAG-001', 'Кожаная сумка через плечо', 'Мягкая кожа, два отделения.', 1, '4990.00', 12),
  (2, 'BAG-002', 'Тканевая сумка для покупок', 'Складывается в карман.', 1, '349.5', 200),
  (3, 'SHOE-001', 'Кроссовки беговые', 'Лёгкие, с амортизацией.', 2, '7599', 30),
  (4, 'SHOE-002', 'Ботинки зимние', 'Тёплые, на меху.', 2, '11990.90', 8),
  (5, 'BOOK-001', 'Running for beginners', 'A first book about running.', 3, '15.99', 40),
  (6, 'BOOK-002', 'Leather care', 'How to look after leather goods.', 3, '9.50', 25),
  -- Refused: a negative price.
  (7, 'BAG-003', 'Сумка с отрицательной ценой', '', 1, '-10.00', 1),
  -- Refused: no name.
  (8, 'BAG-004', NULL, 'A product without a name.', 1, '100.00', 1),
  -- Refused: the sku of row 1 again.
  (9, 'BAG-001', 'Кожаная сумка (повтор)', '', 1, '5000.00', 1),
  -- Refused: a price with three decimals (roubles have two).
  (10, 'SHOE-003', 'Тапочки', '', 2, '199.999', 5),
  -- Refused: a name that is not valid UTF-8.
  (11, 'BOOK-003', CAST(X'426164C328' AS TEXT), '', 3, '10.00', 5),
  (12, 'SHOE-004', '  Сандалии летние  ', 'Spaces around the name are trimmed.', 2, '2500', 15);

INSERT INTO item_properties VALUES
  (1, 1, 'чёрный'), (1, 2, 'кожа'),
  (2, 1, 'зелёный'), (2, 2, 'хлопок'),
  (3, 1, 'белый'), (3, 3, '42'),
  (4, 1, 'коричневый'), (4, 3, '43'),
  (12, 1, 'бежевый');
