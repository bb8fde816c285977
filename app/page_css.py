"""The CSS the pages inject: print on A4, the phone layout, the Chinese file uploader."""

# Print on A4 landscape: no sidebar or toolbar, the app's scroll box unrolled so every page prints,
# charts scaled to the paper width and never cut across a page break.
PRINT_CSS = """
<style>
[class*="st-key-print_only"] { display: none; }
[class*="st-key-print_only"] table { border-collapse: collapse; font-size: 0.8rem; }
[class*="st-key-print_only"] th, [class*="st-key-print_only"] td {
  border: 1px solid #d0d0d0; padding: 0.1rem 0.4rem; line-height: 1.3; text-align: left;
}
[class*="st-key-print_only"] td { white-space: nowrap; }
@media print {
  [class*="st-key-print_only"] { display: block !important; }
  [class*="st-key-screen_only"] { display: none !important; }
  [data-testid="stElementContainer"]:has([data-testid="stHeading"]) { break-after: avoid !important; }
  @page { size: A4 landscape; margin: 8mm; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], section.main,
  [data-testid="stMainBlockContainer"] {
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    position: static !important;
  }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], .stDeployButton, [data-testid="stCodeCopyButton"], .noprint {
    display: none !important;
  }
  [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; padding: 0 !important; margin: 0 !important;
  }
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], [data-testid="stDataFrame"],
  [data-testid="stTable"], [data-testid="stCode"] {
    break-inside: avoid !important; page-break-inside: avoid !important;
  }
  canvas, svg { max-width: 100% !important; height: auto !important; }
  /* side-by-side columns stay side by side on paper (stacked, each took a half-empty page) */
  [data-testid="stHorizontalBlock"] { display: flex !important; flex-wrap: nowrap !important; }
  [data-testid="stColumn"] { min-width: 0 !important; }
  [data-testid="stVegaLiteChart"] { width: 100% !important; overflow: visible !important; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


# On a phone the page never scrolls sideways. KPI tiles two to a row; a phone's
# browser is sent the charts' phone shape (ui.chart(on_phone=…), app.viewer); anything wider, such as a
# screen-shaped chart in a narrow desktop window, scrolls in its own box.
# Metric labels wrap instead of ending in "…" (long English glosses). The sidebar's week box wraps.
PHONE_CSS = """
<style>
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stSidebar"] [data-baseweb="select"] [value], [data-testid="stSidebar"] [data-baseweb="select"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
@media (max-width: 640px) {
  [class*="st-key-kpis"] [data-testid="stHorizontalBlock"] {
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  [class*="st-key-kpis"] [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important;
  }
  [class*="st-key-kpis"] [data-testid="stMetric"] { padding: 0.5rem 0.75rem !important; }
  [class*="st-key-kpis"] [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
  [data-testid="stTable"] { max-width: 100%; overflow-x: auto; }
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem !important; padding-right: 0.75rem !important; }
}
</style>
"""


# Streamlit's file uploader has no setting for its texts: its button says "Upload" and its note
# "20MB per file • XLSX, …". The clerk reads Chinese, so the button is relabelled here and the note
# hidden (the page says the types and the size limit itself). Selectors that stop matching after a
# Streamlit upgrade only bring the English back.
UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {
  font-size: 0;
}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>
"""
