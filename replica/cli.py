"""`portal-archive replica ...`: serve the offline portal, print its ground truth, steer a running one."""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click

from replica.content import HOME, MAIN_HOST
from replica.epochs import build_site
from replica.families import FAMILIES, resolve as resolve_family
from replica.faults import FAULTS, HOSTILE_FAULTS, parse_faults
from replica.server import ReplicaServer, Settings
from replica.truth import ground_truth


def _faults(ctx, param, value: str) -> frozenset[str]:
    try:
        return parse_faults(value or "")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


seed_option = click.option("--seed", default=1, show_default=True, help="Seed of the generated content.")
articles_option = click.option("--articles", default=300, show_default=True, type=click.IntRange(min=20),
                               help="Number of articles and documents in epoch 1.")
epoch_option = click.option("--epoch", default=1, show_default=True, type=click.IntRange(1, 3),
                            help="1: the base site; 2: edits, additions, removals; 3: epoch 2 unchanged.")


@click.group()
def replica() -> None:
    """The offline replica of the Thọ Xuân portal used by tests, the demo and benchmarks."""


@replica.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, help="Port to listen on (0 picks a free one).")
@seed_option
@articles_option
@epoch_option
@click.option("--variant", default=0, show_default=True, help="Markup variant: class names and nesting (0 = Liferay-like).")
@click.option("--family", default="", show_default=False,
              help=f"Template family: {', '.join(FAMILIES)}; 'training' or 'holdout' for one of those chosen by "
                   "--markup-seed. Default: classic, or a training family chosen by --markup-seed when given.")
@click.option("--markup-seed", type=int, default=None,
              help="Seed of the family's parameters (order and position of its parts) and, without --family, of the "
                   "family itself.")
@click.option("--faults", default="", callback=_faults,
              help=f"Comma-separated faults to switch on, or 'all': {', '.join(FAULTS)}; and hostile input, "
                   f"'hostile' for all of it: {', '.join(HOSTILE_FAULTS)}.")
@click.option("--slow-seconds", default=3.0, show_default=True, help="Delay of the 'slow' fault.")
@click.option("--ca-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CA certificate of the HTTPS proxy here, for clients that verify certificates.")
@click.option("--encodings", default="gzip", show_default=True,
              help="Content codings offered for text, in order of preference (gzip, br, or both: br,gzip).")
def serve(host: str, port: int, seed: int, articles: int, epoch: int, variant: int, family: str,
          markup_seed: int | None, faults: frozenset[str], slow_seconds: float, ca_file: Path | None,
          encodings: str) -> None:
    """Serve the replica as a web server and as an HTTP/HTTPS forward proxy for the portal's host names."""
    try:
        resolve_family(family, markup_seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--family") from exc
    codings = tuple(c.strip() for c in encodings.split(",") if c.strip())
    if not set(codings) <= {"gzip", "br"}:
        raise click.BadParameter(f"{encodings!r}: gzip and br are served", param_hint="--encodings")
    settings = Settings(seed, articles, epoch, variant, faults, slow_seconds, family, markup_seed, codings)
    server = ReplicaServer(settings, host, port)

    async def main() -> None:
        await server.open()
        if ca_file:
            ca_file.write_bytes(server.replica.ca_pem())
        url = server.url
        click.echo(f"Replica of the Thọ Xuân portal: {articles} articles, seed {seed}, epoch {epoch}, "
                   f"variant {variant}, family {server.replica.family} (markup seed {server.replica.markup_seed}), "
                   f"faults: {', '.join(sorted(faults)) or 'none'}")
        click.echo(f"  browse it:      {url}/web/trang-chu")
        click.echo(f"  crawl through:  export http_proxy={url} https_proxy={url}")
        click.echo(f"  follow links:   chromium --proxy-server={url} --ignore-certificate-errors "
                   f"https://{MAIN_HOST}{HOME}")
        click.echo(f"  CA certificate: {ca_file or url + '/_replica/ca.pem'}")
        click.echo(f"  ground truth:   {url}/_replica/truth")
        click.echo(f"  change epoch:   portal-archive replica control --url {url} --epoch 2")
        click.echo("Press Ctrl-C to stop.", nl=True)
        sys.stdout.flush()
        await server._server.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


@replica.command()
@seed_option
@articles_option
@epoch_option
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Where to write the JSON.")
def truth(seed: int, articles: int, epoch: int, output) -> None:
    """Print the ground truth of one epoch as JSON: every page, its URLs, text, images, attachments, changes."""
    json.dump(ground_truth(build_site(seed, articles, epoch)), output, ensure_ascii=False, indent=1)
    output.write("\n")


@replica.command()
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="The running replica.")
@click.option("--epoch", type=click.IntRange(1, 3), help="Switch the site to this epoch.")
@click.option("--faults", help="Comma-separated faults to switch on ('' for none, 'all' for every one but the "
                              "hostile ones, 'hostile' for those).")
def control(url: str, epoch: int | None, faults: str | None) -> None:
    """Show or change the epoch and faults of a running replica."""
    def call(path: str, method: str = "GET") -> dict:
        request = urllib.request.Request(f"{url}{path}", method=method, data=b"" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise click.ClickException(exc.read().decode().strip()) from exc
        except urllib.error.URLError as exc:
            raise click.ClickException(f"no replica at {url}: {exc.reason}") from exc

    status = call("/_replica/")
    if epoch is not None:
        status = call(f"/_replica/epoch?n={epoch}", "POST")
    if faults is not None:
        status = call(f"/_replica/faults?on={faults}", "POST")
    click.echo(json.dumps(status, indent=1))
