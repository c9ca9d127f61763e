# One image for every officina process: the gateway, the five services and `officina migrate`.
# docker-compose.yml picks the process with `command:`; the default runs the gateway.
FROM python:3.11-slim

# PYTHONPATH=/app: the Alembic environments live in migrations/ next to the packages
# (shared/kit/migrations.py finds them relative to the source tree) and are not part of the
# installed wheel, so every process imports the source tree in /app. The installed copy
# provides the dependencies, at the versions pinned in constraints.txt, and the `officina`
# command.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    OFFICINA_DATA_DIR=/data

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin officina \
    && mkdir -p /data \
    && chown officina:officina /data

# The gateway keeps its token-signing keys in /data: mount a volume there (docker-compose.yml
# does) so restarts do not invalidate every token.
USER officina

EXPOSE 8000 8001 8002 8003 8004 8005

CMD ["officina", "serve", "gateway", "--host", "0.0.0.0", "--port", "8000"]
