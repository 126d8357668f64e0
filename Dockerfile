# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# python-ldap (LDAP sign-in) builds against OpenLDAP and SASL.
RUN apt-get update && apt-get install -y --no-install-recommends gettext gcc libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput
RUN useradd --create-home prima
USER prima
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
