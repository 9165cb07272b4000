FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
# WeasyPrint needs Pango and fonts; nothing else is fetched at run time.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_SETTINGS_MODULE=trust_si.settings.local python manage.py collectstatic --noinput -v 0
RUN useradd --system --uid 10001 trustsi && mkdir -p /var/lib/trust-si && chown trustsi /var/lib/trust-si
USER trustsi
EXPOSE 8000
CMD ["gunicorn", "trust_si.wsgi", "--config", "gunicorn.conf.py"]
