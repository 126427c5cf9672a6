# One replica of the monitor: Streamlit with the production settings (deploy/streamlit-production.toml) on port
# 8501. Put several behind a proxy with sticky sessions: deploy/k8s/ for a cluster, `make serve` for one machine.
#   docker build -t incident-monitor .
#   docker run --rm -p 8501:8501 -e STREAMLIT_SERVER_COOKIE_SECRET="$(openssl rand -hex 32)" incident-monitor
FROM python:3.11-slim-bookworm

# INCIDENTS_PUBLISHED_ONLY=1: hosted mode, only published records are shown (drafts stay with the curators).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INCIDENTS_PUBLISHED_ONLY=1

# A fixed numeric id, so Kubernetes' runAsNonRoot can check it.
RUN useradd --create-home --uid 10001 --user-group monitor

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# Code and data are root-owned and read-only to the app; the records are baked into the image, so a new image is
# a new data release. The caches (parse, snapshot, columns) live in the user's own cache folder of each container,
# signed with a key made there: a new container loads data/ once as it starts (boot.py's warm-up; at 8 MB of
# records or more in a worker process, so the replica keeps only what a restart keeps). The snapshot is keyed on the
# day, so one baked into the image would be stale by the next morning.
COPY .streamlit/ .streamlit/
COPY assets/ assets/
COPY data/ data/
COPY incidents/ incidents/
COPY components/ components/
COPY app_pages/ app_pages/
COPY deploy/ deploy/
COPY app.py .
COPY boot.py .
# A bad record file fails the build, not the first reader.
RUN python -m incidents validate data

USER 10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["python", "deploy/serve.py", "replica", "--address", "0.0.0.0", "--port", "8501"]
