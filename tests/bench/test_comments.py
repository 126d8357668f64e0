"""The comment benchmark at a tiny size: it analyses and redacts what it generates."""

from bench import comments, report
from bench._common import database_name, save_results


def test_the_benchmark_analyses_and_redacts_the_generated_comments(db, tmp_path):
    # when
    results = comments.bench(comments=300, people=200, out=lambda *_: None)
    # then every comment was read and those naming someone by honorific lost the name
    assert results["comments"] == 300
    assert len(results["top_themes"]) == 3
    assert results["comments_with_names"] > 0
    texts = comments.generate(300)
    assert len(set(texts)) > 150 and any("Pak Budi" in text for text in texts)
    # and the report shows the section
    save_results("comments", results, directory=tmp_path)
    doc = tmp_path / "BENCHMARKS.md"
    report.write("none", database_name(), results=tmp_path, doc=doc)
    assert "## Comment analysis" in doc.read_text()
    assert "| themes and sentiment of every comment |" in doc.read_text()
