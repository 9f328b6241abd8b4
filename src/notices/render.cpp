// A Document on A4 pages with cairo's PDF surface and pango's layouts. Two passes: every block is
// laid out and measured first and the pieces are placed on pages, so that the page count is known
// before the first page is drawn ("第 1 页 共 3 页"); then each page is drawn with its header (case
// number, QR code) and footer.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "notices/notices.hpp"

namespace jingban::notices {

namespace {

// A4 in points, and the margins (mm → pt): the text block sits as on a printed 公文 page.
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageW = 210 * kMm, kPageH = 297 * kMm;
constexpr double kLeft = 26 * kMm, kRight = 26 * kMm, kTop = 36 * kMm, kBottom = 28 * kMm;
constexpr double kContentW = kPageW - kLeft - kRight;
constexpr double kQrSize = 22 * kMm;  // prints readable by a phone at arm's length

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) F(p);
  }
};
using Surface = std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using Cairo = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;
using FontDesc = std::unique_ptr<PangoFontDescription,
                                 Deleter<PangoFontDescription, pango_font_description_free>>;
using Qr = std::unique_ptr<QRcode, Deleter<QRcode, QRcode_free>>;
void unrefLayout(PangoLayout* l) { g_object_unref(l); }
using Layout = std::shared_ptr<PangoLayout>;

FontDesc font(const char* family, double size, bool bold = false) {
  FontDesc d(pango_font_description_new());
  pango_font_description_set_family(d.get(), family);
  pango_font_description_set_absolute_size(d.get(), size * PANGO_SCALE);
  if (bold) pango_font_description_set_weight(d.get(), PANGO_WEIGHT_BOLD);
  return d;
}

// fontconfig substitutes silently: a server without the CJK fonts would print boxes. Ask which
// family the name resolves to and refuse unless it is the one asked for.
Result<void> requireFamily(cairo_t* cr, const char* family) {
  PangoContext* ctx = pango_cairo_create_context(cr);
  FontDesc want = font(family, 12);
  PangoFont* f = pango_font_map_load_font(pango_context_get_font_map(ctx), ctx, want.get());
  std::string got;
  if (f) {
    FontDesc d(pango_font_describe(f));
    const char* fam = pango_font_description_get_family(d.get());
    got = fam ? fam : "";
    g_object_unref(f);
  }
  g_object_unref(ctx);
  if (got != family)
    return fail(ErrorCode::kUnavailable, "font_missing",
                "服务器缺少中文字体（fonts-noto-cjk），暂时无法生成 PDF 通知书");
  return {};
}

struct Style {
  const char* family;
  double size;
  bool bold = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  double indent = 0;  // first line, in points
};

Layout layout(cairo_t* cr, std::string_view text, const Style& s, double width) {
  Layout l(pango_cairo_create_layout(cr), unrefLayout);
  FontDesc f = font(s.family, s.size, s.bold);
  pango_layout_set_font_description(l.get(), f.get());
  pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l.get(), s.align);
  pango_layout_set_indent(l.get(), static_cast<int>(s.indent * PANGO_SCALE));
  pango_layout_set_spacing(l.get(), static_cast<int>(s.size * 0.35 * PANGO_SCALE));
  pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
  return l;
}

double heightOf(const Layout& l) {
  int w = 0, h = 0;
  pango_layout_get_size(l.get(), &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

void show(cairo_t* cr, const Layout& l, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l.get());
}

// One thing placed on a page: its height and how to draw it with its top at y.
struct Piece {
  double gap = 0;  // space above it, dropped at the top of a page
  double height = 0;
  std::function<void(cairo_t*, double)> draw;
  const Piece* repeat = nullptr;  // a table row: the table's head, drawn again on a new page
  bool keep_with_next = false;    // a heading: never the last thing on a page
};

const Style kBody{kSerifFamily, 12};
const Style kCell{kSerifFamily, 9.5};
const Style kCellHead{kSansFamily, 9.5, true, PANGO_ALIGN_CENTER};
constexpr double kCellPad = 3;

// Amounts and ratios ("1,234.56", "70%") line up on the right, as on a printed bill.
bool numeric(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789,.-%") == std::string::npos;
}

// A table's row (or head): cells side by side with borders, as tall as its tallest cell.
Piece tableRow(cairo_t* cr, const std::vector<std::string>& cells, const std::vector<double>& xs,
               bool head) {
  std::vector<Layout> ls;
  double h = 0;
  for (size_t i = 0; i < cells.size() && i + 1 < xs.size(); ++i) {
    Style st = head ? kCellHead : kCell;
    if (!head && numeric(cells[i])) st.align = PANGO_ALIGN_RIGHT;
    ls.push_back(layout(cr, cells[i], st, xs[i + 1] - xs[i] - 2 * kCellPad));
    h = std::max(h, heightOf(ls.back()));
  }
  h += 2 * kCellPad;
  return Piece{0, h, [ls, xs, h, head](cairo_t* c, double y) {
                 if (head) {
                   cairo_set_source_rgb(c, 0.92, 0.92, 0.92);
                   cairo_rectangle(c, xs.front(), y, xs.back() - xs.front(), h);
                   cairo_fill(c);
                   cairo_set_source_rgb(c, 0, 0, 0);
                 }
                 cairo_set_line_width(c, 0.5);
                 for (size_t i = 0; i < ls.size(); ++i) {
                   cairo_rectangle(c, xs[i], y, xs[i + 1] - xs[i], h);
                   cairo_stroke(c);
                   show(c, ls[i], xs[i] + kCellPad, y + kCellPad);
                 }
               }};
}

// Every block as pieces, in order (a table is its head and one piece per row).
std::vector<std::unique_ptr<Piece>> pieces(cairo_t* cr, const Document& doc) {
  std::vector<std::unique_ptr<Piece>> out;
  auto add = [&out](Piece p) {
    out.push_back(std::make_unique<Piece>(std::move(p)));
    return out.back().get();
  };
  auto text = [&](const std::string& s, const Style& st, double gap, double x = kLeft,
                  double w = kContentW) {
    Layout l = layout(cr, s, st, w);
    return add(Piece{gap, heightOf(l), [l, x](cairo_t* c, double y) { show(c, l, x, y); }});
  };
  // The head of the first page: the agency and the title.
  text(doc.header.agency, {kSerifFamily, 14, false, PANGO_ALIGN_CENTER}, 0);
  text(doc.title, {kSansFamily, 22, true, PANGO_ALIGN_CENTER}, 8);
  if (!doc.header.case_no.empty())
    text("办件编号：" + doc.header.case_no, {kSerifFamily, 10.5, false, PANGO_ALIGN_CENTER}, 6);
  add(Piece{0, 10, [](cairo_t*, double) {}});

  for (const auto& b : doc.blocks) {
    switch (b.kind) {
      case Block::Kind::kPlain:
        text(b.text, kBody, 8);
        break;
      case Block::Kind::kParagraph:
        text(b.text, {kSerifFamily, 12, false, PANGO_ALIGN_LEFT, 24}, 6);
        break;
      case Block::Kind::kHeading:
        text(b.text, {kSansFamily, 12, true}, 12)->keep_with_next = true;
        break;
      case Block::Kind::kNote: {
        constexpr double pad = 6;
        Layout l = layout(cr, b.text, {kSansFamily, 10.5, true}, kContentW - 2 * pad);
        double h = heightOf(l) + 2 * pad;
        add(Piece{8, h, [l, h](cairo_t* c, double y) {
                    cairo_set_source_rgb(c, 0.96, 0.96, 0.96);
                    cairo_rectangle(c, kLeft, y, kContentW, h);
                    cairo_fill_preserve(c);
                    cairo_set_source_rgb(c, 0, 0, 0);
                    cairo_set_line_width(c, 1);
                    cairo_stroke(c);
                    show(c, l, kLeft + pad, y + pad);
                  }});
        break;
      }
      case Block::Kind::kFields: {
        constexpr double label_w = 96;
        double gap = 8;
        for (const auto& [k, v] : b.fields) {
          Layout lk = layout(cr, k + "：", {kSansFamily, 11, true}, label_w);
          Layout lv = layout(cr, v, {kSerifFamily, 11}, kContentW - label_w);
          add(Piece{gap, std::max(heightOf(lk), heightOf(lv)), [lk, lv](cairo_t* c, double y) {
                      show(c, lk, kLeft, y);
                      show(c, lv, kLeft + label_w, y);
                    }});
          gap = 3;
        }
        break;
      }
      case Block::Kind::kTable: {
        double total = 0;
        for (size_t i = 0; i < b.columns.size(); ++i)
          total += i < b.widths.size() ? b.widths[i] : 1;
        std::vector<double> xs{kLeft};
        for (size_t i = 0; i < b.columns.size(); ++i)
          xs.push_back(xs.back() + kContentW * (i < b.widths.size() ? b.widths[i] : 1) / total);
        Piece* head = add(tableRow(cr, b.columns, xs, true));
        head->gap = 6;
        head->keep_with_next = true;
        for (const auto& r : b.rows) add(tableRow(cr, r, xs, false))->repeat = head;
        if (b.rows.empty()) text("（无）", kCell, 3);
        break;
      }
    }
  }
  if (doc.signature) {
    Style right{kSerifFamily, 12, false, PANGO_ALIGN_RIGHT};
    text(doc.header.agency + "（盖章）", right, 28)->keep_with_next = true;
    text(chineseDate(doc.header.issued_on), right, 4);
  }
  return out;
}

using Placed = std::vector<std::pair<double, const Piece*>>;

// Places the pieces top to bottom, starting a new page when the next one does not fit; a table
// row opening a page is preceded by its table's head.
std::vector<Placed> paginate(const std::vector<std::unique_ptr<Piece>>& ps) {
  const double bottom = kPageH - kBottom;
  std::vector<Placed> pages(1);
  double y = kTop;
  for (size_t i = 0; i < ps.size(); ++i) {
    const Piece& p = *ps[i];
    double need = p.gap + p.height;
    // A heading (or a table head) goes with what follows it.
    if (p.keep_with_next && i + 1 < ps.size()) need += ps[i + 1]->gap + ps[i + 1]->height;
    if (y + need > bottom && !pages.back().empty()) {
      pages.emplace_back();
      y = kTop;
      if (p.repeat) {
        pages.back().push_back({y, p.repeat});
        y += p.repeat->height;
      }
    }
    if (!pages.back().empty()) y += p.gap;
    pages.back().push_back({y, &p});
    y += p.height;
  }
  return pages;
}

Result<Qr> qrOf(const std::string& url) {
  // Level M (15% of the code may be damaged), byte mode: a URL is ASCII.
  Qr q(QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!q) return fail(ErrorCode::kInternal, "internal", "二维码生成失败");
  return q;
}

void drawQr(cairo_t* cr, const QRcode& q, double x, double y, double size) {
  double m = size / q.width;
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < q.width; ++r)
    for (int c = 0; c < q.width; ++c)
      if (q.data[r * q.width + c] & 1) cairo_rectangle(cr, x + c * m, y + r * m, m, m);
  cairo_fill(cr);
}

cairo_status_t appendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> renderPdf(const Document& doc) {
  std::string bytes;
  Surface surface(cairo_pdf_surface_create_for_stream(appendBytes, &bytes, kPageW, kPageH));
  Cairo cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    return fail(ErrorCode::kInternal, "internal", "PDF 生成失败");
  for (const char* family : {kSerifFamily, kSansFamily})
    if (auto r = requireFamily(cr.get(), family); !r) return std::unexpected(r.error());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "jingban");
  std::optional<Qr> qr;
  if (!doc.header.qr_url.empty()) {
    auto q = qrOf(doc.header.qr_url);
    if (!q) return std::unexpected(q.error());
    qr = std::move(*q);
  }

  auto ps = pieces(cr.get(), doc);
  auto pages = paginate(ps);
  const size_t count = pages.size();
  for (size_t n = 0; n < count; ++n) {
    cairo_t* c = cr.get();
    cairo_set_source_rgb(c, 0, 0, 0);
    // Header: the case number on every page, the QR code of the progress page at the right.
    double qr_x = kPageW - kRight - kQrSize, qr_y = 8 * kMm;
    if (!doc.header.case_no.empty())
      show(c, layout(c, "办件编号：" + doc.header.case_no, {kSerifFamily, 9}, kContentW - kQrSize),
           kLeft, 14 * kMm);
    if (qr) {
      drawQr(c, **qr, qr_x, qr_y, kQrSize);
      show(c, layout(c, "扫码查询办理进度", {kSerifFamily, 7, false, PANGO_ALIGN_CENTER}, kQrSize),
           qr_x, qr_y + kQrSize + 1);
    }
    for (const auto& [y, p] : pages[n]) p->draw(c, y);
    // Footer: page numbers when the notice runs over one page.
    if (count > 1)
      show(c,
           layout(c, "第 " + std::to_string(n + 1) + " 页 共 " + std::to_string(count) + " 页",
                  {kSerifFamily, 9, false, PANGO_ALIGN_CENTER}, kContentW),
           kLeft, kPageH - kBottom + 10 * kMm);
    cairo_show_page(c);
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return fail(ErrorCode::kInternal, "internal", "PDF 生成失败");
  surface.reset();
  return bytes;
}

}  // namespace jingban::notices
