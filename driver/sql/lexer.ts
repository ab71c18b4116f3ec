/**
 * The tokens of Spark SQL's expression syntax (chevrotain): keywords (any case), identifiers
 * plain and `back-quoted`, numbers with Spark's suffixes (10L, 1.5D, 1e3), strings in single
 * or double quotes with backslash escapes, operators and comments.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
export const QuotedIdentifier = createToken({ name: "QuotedIdentifier", pattern: /`(?:[^`]|``)*`/ });

const keyword = (word: string): TokenType => createToken({ name: word, pattern: new RegExp(`${word}(?![A-Za-z0-9_])`, "i"), longer_alt: Identifier });

export const And = keyword("AND");
export const Or = keyword("OR");
export const Not = keyword("NOT");
export const Is = keyword("IS");
export const Null = keyword("NULL");
export const True = keyword("TRUE");
export const False = keyword("FALSE");
export const In = keyword("IN");
export const Between = keyword("BETWEEN");
export const Like = keyword("LIKE");
export const ILike = keyword("ILIKE");
export const RLike = keyword("RLIKE");
export const Regexp = keyword("REGEXP");
export const Case = keyword("CASE");
export const When = keyword("WHEN");
export const Then = keyword("THEN");
export const Else = keyword("ELSE");
export const End = keyword("END");
export const Cast = keyword("CAST");
export const TryCast = keyword("TRY_CAST");
export const As = keyword("AS");
export const Distinct = keyword("DISTINCT");
export const From = keyword("FROM");
export const Div = keyword("DIV");
export const Date = keyword("DATE");
export const Timestamp = keyword("TIMESTAMP");
export const Interval = keyword("INTERVAL");
export const Over = keyword("OVER");
export const Select = keyword("SELECT");
export const Where = keyword("WHERE");
export const Group = keyword("GROUP");
export const By = keyword("BY");
export const Having = keyword("HAVING");
export const Order = keyword("ORDER");
export const Asc = keyword("ASC");
export const Desc = keyword("DESC");
export const Nulls = keyword("NULLS");
export const First = keyword("FIRST");
export const Last = keyword("LAST");
export const Limit = keyword("LIMIT");
export const Offset = keyword("OFFSET");
export const Join = keyword("JOIN");
export const Inner = keyword("INNER");
export const Left = keyword("LEFT");
export const Right = keyword("RIGHT");
export const Full = keyword("FULL");
export const Outer = keyword("OUTER");
export const Cross = keyword("CROSS");
export const Semi = keyword("SEMI");
export const Anti = keyword("ANTI");
export const On = keyword("ON");
export const Using = keyword("USING");
export const Union = keyword("UNION");
export const All = keyword("ALL");
export const Intersect = keyword("INTERSECT");
export const Except = keyword("EXCEPT");
export const With = keyword("WITH");
export const Partition = keyword("PARTITION");
export const Rows = keyword("ROWS");
export const Range = keyword("RANGE");
export const Unbounded = keyword("UNBOUNDED");
export const Preceding = keyword("PRECEDING");
export const Following = keyword("FOLLOWING");
export const Current = keyword("CURRENT");
export const Row = keyword("ROW");
export const Exists = keyword("EXISTS");
export const For = keyword("FOR");
export const Window = keyword("WINDOW");
export const Filter = keyword("FILTER");
export const Values = keyword("VALUES");
export const Rollup = keyword("ROLLUP");
export const Cube = keyword("CUBE");
export const Grouping = keyword("GROUPING");
export const Sets = keyword("SETS");
/** MINUS: Spark's synonym of EXCEPT. */
export const MinusKeyword = keyword("MINUS");

/** A number: digits, a fraction or an exponent, and Spark's type suffix (L bigint, S smallint, Y tinyint, D double, F float, BD decimal). */
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:BD|bd|[LlSsYyDdFf])?(?![A-Za-z0-9_])/ });
/** X'0A1B': a binary literal, its bytes in hexadecimal (Spark's). */
export const BinaryLiteral = createToken({ name: "BinaryLiteral", pattern: /[xX]'[^']*'/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/ });

export const NullSafeEq = createToken({ name: "NullSafeEq", pattern: /<=>/ });
export const Le = createToken({ name: "Le", pattern: /<=/ });
export const Ge = createToken({ name: "Ge", pattern: />=/ });
export const Ne = createToken({ name: "Ne", pattern: /<>|!=/ });
export const Eq = createToken({ name: "Eq", pattern: /==?/ });
export const Lt = createToken({ name: "Lt", pattern: /</ });
export const Gt = createToken({ name: "Gt", pattern: />/ });
export const Concat = createToken({ name: "Concat", pattern: /\|\|/ });
/** Subscripts: a[0], m['key']. */
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });
/** Only in type names: STRUCT<a: INT>. */
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
/** `x -> x + 1`: a lambda function's arrow (before Minus, which would take its `-`). */
export const Arrow = createToken({ name: "Arrow", pattern: /->/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });
export const Bang = createToken({ name: "Bang", pattern: /!/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
/** Bitwise operators: lexed so that the parser can say they are not supported yet. */
export const Bitwise = createToken({ name: "Bitwise", pattern: /[&|^~]/ });

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
const LineComment = createToken({ name: "LineComment", pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });
/** A hint comment (`/*+ BROADCAST(t) *\/`): a token of its own, read after SELECT. */
export const Hint = createToken({ name: "Hint", pattern: /\/\*\+[\s\S]*?\*\// });

export const KEYWORDS = [
  And, Or, Not, Is, Null, True, False, In, Between, Like, ILike, RLike, Regexp, Case, When, Then, Else, End, Cast, TryCast, As, Distinct, From, Div, Date, Timestamp, Interval, Over,
  Select, Where, Group, By, Having, Order, Asc, Desc, Nulls, First, Last, Limit, Offset, Join, Inner, Left, Right, Full, Outer, Cross, Semi, Anti, On, Using, Union, All, Intersect, Except, With,
  Partition, Rows, Range, Unbounded, Preceding, Following, Current, Row, Exists, For, MinusKeyword, Window, Filter, Values, Rollup, Cube, Grouping, Sets,
];

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, LineComment, Hint, BlockComment,
  NumberLiteral, BinaryLiteral, StringLiteral, QuotedIdentifier,
  ...KEYWORDS,
  Identifier,
  NullSafeEq, Le, Ge, Ne, Concat, Eq, Lt, Gt, Plus, Arrow, Minus, Star, Slash, Percent, Bang, LParen, RParen, Comma, Dot, Bitwise, Colon, LBracket, RBracket,
];

export const SQL_LEXER = new Lexer(ALL_TOKENS, { positionTracking: "full", ensureOptimizations: false });
